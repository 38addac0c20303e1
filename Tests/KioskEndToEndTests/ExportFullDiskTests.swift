import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// `kiosk export` onto a full disk fails with a message that says so, Vietnamese first, and
/// leaves nothing at the output (breaker: `Error Domain=NSCocoaErrorDomain Code=640`, English only).
@Suite("Exports onto a full disk")
struct ExportFullDiskTests {
    @Test(.enabled(if: Tmpfs.canMount, "skipped: a tmpfs cannot be mounted here (needs root and CAP_SYS_ADMIN)"))
    func aFullDiskIsSaidInWordsAndNothingIsLeft() async throws {
        let path = temporaryDirectory("export-full-db").appendingPathComponent("k.sqlite").path
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        let store = try PledgeStore(
            path: path, eventID: configuration.eventID, defaultKioskID: "kiosk-01",
            links: try CertificateLinks(baseURL: "http://127.0.0.1:8080"))
        for index in 0..<50 {
            let draft = PledgeDraft(
                name: "Người ký \(index)", ageBand: .from18To24, province: nil, school: nil, guardianConsent: false)
            _ = try await store.record(draft, idempotencyKey: try IdempotencyKey("full-\(index)"), kioskID: nil)
        }
        try store.close()
        let disk = try Tmpfs(at: temporaryDirectory("export-full"), size: "64k")
        defer { disk.unmount() }
        _ = try Tmpfs.fill(disk.path + "/filler")
        let output = disk.path + "/pledges.csv"
        let run = try ProcessRunner.run(
            RepositoryPaths.kioskBinary,
            [
                "export", "pledges", "--output", output, "--config", RepositoryPaths.defaultConfiguration.path,
                "--database", path,
            ])
        #expect(run.status != 0)
        #expect(run.stderr.contains("Xuất dữ liệu không thành công, không ghi gì vào \(output)"), "\(run.stderr)")
        #expect(run.stderr.contains("ổ đĩa đã đầy · the disk is full"), "\(run.stderr)")
        #expect(!run.stderr.contains("NSCocoaErrorDomain"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == ["filler"])
    }
}
