import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Files with names are owner-only and go only where the organizer says; certificate links
/// come from the running service (or `--base-url`), not from the configured port.
@Suite("Files with names and certificate links")
struct PersonalFilesTests {
    func kiosk(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments)
    }

    /// The permission bits of `path`.
    func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : 0o7777
    }

    /// A database of the default event with two named pledges; their codes.
    func database() async throws -> (path: String, codes: [CertificateCode]) {
        let path = temporaryDirectory("names-db").appendingPathComponent("k.sqlite").path
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        let store = try PledgeStore(
            path: path, eventID: configuration.eventID, defaultKioskID: "kiosk-01",
            links: try CertificateLinks(baseURL: "http://127.0.0.1:8080"))
        var codes: [CertificateCode] = []
        for name in [vietnameseNames[3].nfc, vietnameseNames[4].nfc] {
            let draft = PledgeDraft(
                name: name, ageBand: .from18To24, province: nil, school: nil, guardianConsent: false)
            codes.append(
                try await store.record(draft, idempotencyKey: try IdempotencyKey(UUID().uuidString), kioskID: nil).code)
        }
        try store.close()
        return (path, codes)
    }

    @Test func anExportWithNamesNeedsAnOutputAndIsOwnerOnly() async throws {
        let (database, _) = try await database()
        let config = RepositoryPaths.defaultConfiguration.path
        // Started from a folder of its own, so a file written "here" would show.
        let here = temporaryDirectory("export-here")
        let refused = try ProcessRunner.run(
            "/bin/sh",
            [
                "-c",
                "cd \"$1\" && exec \"$0\" export pledges --include-personal-data --config \"$2\" --database \"$3\"",
                RepositoryPaths.kioskBinary, here.path, config, database,
            ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--include-personal-data needs --output"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: here.path).isEmpty)
        let output = temporaryDirectory("export-names").appendingPathComponent("names.csv").path
        let written = try kiosk([
            "export", "pledges", "--include-personal-data", "--output", output, "--config", config, "--database",
            database,
        ])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(mode(output) == 0o600)
        #expect(mode(output + ".manifest.json") == 0o600)
    }

    @Test func certificatesAreOwnerOnlyAndLinkToTheRunningService() async throws {
        let (database, codes) = try await database()
        let config = RepositoryPaths.defaultConfiguration.path
        // The service runs on a port that is not the configured one (8080).
        let server = try KioskProcess(database: database)
        defer { server.terminate() }
        #expect(server.port != 8080)
        let folder = temporaryDirectory("certs").appendingPathComponent("new").path
        let all = try kiosk([
            "certificates", "--config", config, "--database", database, "--output", folder, "--format", "svg",
            "--service", "http://127.0.0.1:\(server.port)",
        ])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(mode(folder) == 0o700)
        for code in codes.enumerated() {
            let file = "\(folder)/\(code.offset + 1)-\(code.element.rawValue).svg"
            #expect(mode(file) == 0o600, "\(file)")
            let svg = try String(contentsOfFile: file, encoding: .utf8)
            #expect(svg.contains("127.0.0.1:\(server.port)"), "the link base of the running service")
        }
        // One certificate: --output is required; --base-url sets the links.
        let one = temporaryDirectory("cert-one").appendingPathComponent("one.svg").path
        let missing = try kiosk(["certificate", codes[0].rawValue, "--config", config, "--database", database])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--output"), "\(missing.stderr)")
        let based = try kiosk([
            "certificate", codes[0].rawValue, "--config", config, "--database", database, "--output", one,
            "--format", "svg", "--base-url", "https://khongmotminh.example.vn",
        ])
        #expect(based.status == 0, "\(based.stderr)")
        #expect(mode(one) == 0o600)
        #expect(try String(contentsOfFile: one, encoding: .utf8).contains("khongmotminh.example.vn"))
    }

    @Test func withoutAServiceOrABaseURLTheCommandSaysWhatToPass() async throws {
        let (database, codes) = try await database()
        // A configuration whose port nothing listens on (1 is privileged).
        let folder = temporaryDirectory("port-one")
        let kioskFolder = RepositoryPaths.root.appendingPathComponent("Kiosk")
        var event = try String(contentsOf: kioskFolder.appendingPathComponent("event.yaml"), encoding: .utf8)
        event = event.replacing(/\n  port: \d+/, with: "\n  port: 1")
        event = event.replacingOccurrences(
            of: "../Certificates/default", with: RepositoryPaths.root.path + "/Certificates/default")
        for file in ["pledge.yaml", "resources.yaml", "front.yaml"] {
            try FileManager.default.copyItem(
                at: kioskFolder.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        let config = folder.appendingPathComponent("event.yaml").path
        try Data(event.utf8).write(to: URL(fileURLWithPath: config))
        let out = folder.appendingPathComponent("c.svg").path
        let result = try kiosk([
            "certificate", codes[0].rawValue, "--config", config, "--database", database, "--output", out,
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no kiosk service answers at http://127.0.0.1:1"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
