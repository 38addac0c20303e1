import Foundation
import PledgeKit
import Testing

@testable import KioskService

/// The one-pass reader of pledge bodies and the direct writer of receipts give exactly what
/// Foundation's JSON decoder and encoder give.
@Suite("Pledge JSON without Foundation")
struct PledgeJSONFastPathTests {
    /// What Foundation's decoder reads, or nil when it refuses the body.
    func decoded(_ json: String) -> PledgeRequestBody? {
        try? JSONDecoder().decode(PledgeRequestBody.self, from: Data(json.utf8))
    }

    func flat(_ json: String) -> PledgeRequestBody? {
        Data(json.utf8).withUnsafeBytes(PledgeRequestBody.flat)
    }

    func same(_ a: PledgeRequestBody?, _ b: PledgeRequestBody?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return [a.name, a.ageBand, a.province, a.school, a.code, a.signedAt].map { $0.map { Array($0.utf8) } }
            == [b.name, b.ageBand, b.province, b.school, b.code, b.signedAt].map { $0.map { Array($0.utf8) } }
            && a.guardianConsent == b.guardianConsent
    }

    @Test(
        "Bodies of the common shape are read as the decoder reads them",
        arguments: [
            #"{"name":"Nguyễn Văn An","ageBand":"18-24","province":"Hà Nội","guardianConsent":true}"#,
            #"{"name":null,"ageBand":"12-15","province":"Hà Nội","guardianConsent":true}"#,
            " \r\n\t{ \"name\" : \"Nguye\u{0302}\u{0303}n\" ,\n\"ageBand\":\"16-17\", \"school\": null } \n",
            #"{"ageBand":"25-plus","guardianConsent":false,"code":"7KQ2MX4P9TZAB3CD","signedAt":"2025-10-10T09:30:00Z"}"#,
            #"{"guardianConsent":null,"name":"","province":"  "}"#,
            #"{}"#, " {} ",
            #"{"name":"</text><script>x</script>","ageBand":"x"}"#,
            #"{"name":"Lan 👩‍💻","ageBand":"18-24"}"#,
        ])
    func commonShape(_ json: String) {
        #expect(flat(json) != nil)
        #expect(same(flat(json), decoded(json)))
    }

    @Test(
        "Anything else is left to the decoder",
        arguments: [
            #"{"name":"A\"B","ageBand":"18-24"}"#, #"{"name":"\u00e1"}"#, #"{"name":"a\/b"}"#,
            #"{"name":"A","name":"B"}"#, #"{"extra":1,"ageBand":"18-24"}"#, #"{"extra":{"a":[1,2]}}"#,
            #"{"guardianConsent":"yes"}"#, #"{"name":true}"#, #"{"guardianConsent":1}"#,
            #"{"name":"A",}"#, #"{"name":"A"} x"#, #"{"name":"A""#, #"{"name" "A"}"#, #"{name:"A"}"#,
            #"[]"#, #"null"#, "", " ", #"{"name":nul}"#, #"{"name":"tab\there"}"#, "{\"name\":\"A\u{1}\"}",
            "\u{FEFF}{}", #"{"ageBand":"18-24"}{}"#, #"{"guardianConsent":truex}"#,
        ])
    func otherShapes(_ json: String) {
        #expect(flat(json) == nil)
    }

    @Test func invalidUTF8IsLeftToTheDecoder() {
        var bytes = Array(#"{"name":"A"#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#""}"#.utf8)
        #expect(Data(bytes).withUnsafeBytes(PledgeRequestBody.flat) == nil)
        #expect(throws: PledgeError.self) { try PledgeRequestBody.decode(Data(bytes)) }
        let nul = Data(#"{"name":"A"#.utf8) + Data([0]) + Data(#""}"#.utf8)
        #expect(throws: PledgeError.self) { try PledgeRequestBody.decode(nul) }
    }

    @Test func mistypedMembersStillNameTheMember() {
        for (json, field) in [
            (#"{"name":true,"ageBand":"18-24"}"#, "name"), (#"{"guardianConsent":"yes"}"#, "guardianConsent"),
        ] {
            do {
                _ = try PledgeRequestBody.decode(Data(json.utf8))
                Issue.record("\(json) was read")
            } catch {
                #expect(error.code == .invalidRequest)
                #expect(error.field == field)
            }
        }
    }

    @Test func receiptsAreWrittenAsTheEncoderWritesThem() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (number, url) in [
            (1, "https://khongmotminh.example.vn/C/7KQ2MX4P9TZAB3CD"),
            (123_456_789, "HTTP://192.168.1.20:8080/C/7KQ2MX4P9TZAB3CD"), (0, ""),
        ] {
            let receipt = PledgeReceipt(
                id: UUID(), number: number, code: try #require(CertificateCode(parsing: "7KQ2MX4P9TZAB3CD")),
                certificateUrl: url)
            #expect(receipt.json == Array(try encoder.encode(receipt)))
        }
        for url in ["https://x.vn/\"", "https://x.vn/\\", "https://x.vn/\u{7F}", "https://hà-nội.vn/C/A", "a\nb"] {
            let receipt = PledgeReceipt(
                id: UUID(), number: 1, code: try #require(CertificateCode(parsing: "7KQ2MX4P9TZAB3CD")),
                certificateUrl: url)
            #expect(receipt.json == nil)
        }
    }

    @Test func contentTypeOfJSON() {
        #expect(PledgeRoutes.isJSON("application/json"))
        #expect(PledgeRoutes.isJSON("Application/JSON; charset=\"UTF-8\""))
        #expect(!PledgeRoutes.isJSON("application/json; charset=latin1"))
        #expect(!PledgeRoutes.isJSON("text/plain"))
    }
}
