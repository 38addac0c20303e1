import Foundation
import GRDB
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeExport
@testable import PledgeStore

@Suite("Exports over several pages: the fast path writes what the plain formatting would")
struct LargeExportTests {
    /// The CSV of one pledge written the slow, obvious way: Foundation's calendar for the time,
    /// string replacement for quotes. An independent reference for the byte-level encoder.
    static func referenceLine(_ pledge: Pledge, personal: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: pledge.createdAt)
        let time = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        func text(_ value: String?) -> String {
            guard var value else { return "" }
            if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var fields = [
            String(pledge.number), text(pledge.eventID), text(pledge.kioskID),
            text(pledge.kioskID == "phone" ? "phone" : "kiosk"), text(time),
            text(pledge.ageBand.rawValue),
            text(pledge.province?.name), pledge.guardianConsent ? "1" : "0",
        ]
        if personal { fields += [text(pledge.name), text(pledge.school), text(pledge.code.rawValue)] }
        return fields.joined(separator: ",") + "\r\n"
    }

    @Test(arguments: [false, true])
    func twelveThousandPledgesExportAsTheReferenceWritesThem(_ personal: Bool) async throws {
        let file = temporaryDirectory("large-export").appendingPathComponent("pledges.sqlite").path
        let store = try PledgeStore(
            path: file, eventID: "test-event", defaultKioskID: "kiosk-test",
            links: try CertificateLinks(baseURL: "http://kiosk.example.vn"))
        let names = ["Nguyễn Thị Ánh", "=cmd|' /C calc'!A0", "Lê \"Bé\" Na", "-Lan", "Đỗ Đức Đạt"]
        try await store.pool.write { db in
            for index in 0..<12_000 {
                _ = try PledgeStore.insert(
                    PledgeDraft(
                        name: index % 3 == 0 ? nil : names[index % names.count],
                        ageBand: AgeBand.allCases[index % 5],
                        province: index % 7 == 0 ? nil : Province.all[index % Province.all.count],
                        school: index % 4 == 0 ? "Trường \"Lê Lợi\",\nHuế" : nil, guardianConsent: index % 2 == 0),
                    key: try IdempotencyKey("large-\(index)"), eventID: "test-event",
                    kioskID: index % 4 == 3 ? "phone" : "kiosk-0\(index % 3)",
                    // Before 1970 too: the time formatting borrows a day there.
                    at: Date(timeIntervalSince1970: -86_400 * 400 + Double(index) * 7_919.123), in: db)
            }
        }
        let path = temporaryDirectory("large-export-out").appendingPathComponent("pledges.csv").path
        let manifest = try await Exporter(
            service: store, options: .init(kind: .pledges, includePersonalData: personal)
        ).write(to: path, eventID: store.eventID)
        #expect(manifest.rows == 12_000)

        // The plain read path (Codable rows), in the order of the export.
        let pledges = try await store.pledges(eventID: "test-event")
        let header = ExportTable.pledgeColumns(includePersonalData: personal).map { "\"\(ExportTable.heading($0))\"" }
            .joined(separator: ",")
        let expected = header + "\r\n" + pledges.map { Self.referenceLine($0, personal: personal) }.joined()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(bytes.prefix(3)) == CSVEncoder.byteOrderMark)
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text == expected)
        if text != expected {
            let got = text.components(separatedBy: "\r\n")
            let want = expected.components(separatedBy: "\r\n")
            let first = got.indices.first { $0 >= want.count || got[$0] != want[$0] }
            Issue.record(
                "first different line \(first ?? -1): \(first.map { got[$0] } ?? "") vs \(first.map { $0 < want.count ? want[$0] : "(end)" } ?? "")"
            )
        }
        let digest = try ProcessRunner.run("sha256sum", [path]).stdout.prefix(64)
        #expect(manifest.sha256 == String(digest))
    }
}
