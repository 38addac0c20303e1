import Foundation
import KioskTestSupport
import PledgeKit
import Testing

@testable import KioskAPI

/// ``SyncBatch/decode(_:)`` reads a batch in one pass when it has the common form, and gives
/// exactly what the general reader (``StrictJSON``'s check, then `JSONDecoder`) gives: the same
/// batch, or the same error.
@Suite struct SyncBatchReadingTests {
    static func general(_ data: Data) -> Result<SyncBatch, PledgeError> {
        Result { () throws(PledgeError) in try StrictJSON.decode(SyncBatch.self, from: data, what: SyncBatch.what) }
    }

    /// The one-pass reader's batch, when it reads one, is the general reader's.
    static func expectSame(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        let general = general(data)
        let decoded = Result { () throws(PledgeError) in try SyncBatch.decode(data) }
        let shown = String(decoding: data.prefix(300), as: UTF8.self)
        #expect(decoded == general, "\(shown)", sourceLocation: sourceLocation)
        if let read = SyncBatch.readCommonForm(data) {
            #expect(general == .success(read), "\(shown)", sourceLocation: sourceLocation)
        }
    }

    @Test func batchesAsEventsWriteThemAreReadInOnePass() throws {
        let names: [String?] = [
            "Nguyễn Thị Ánh Tuyết", "Nguyễn Thị Ánh Tuyết".decomposedStringWithCanonicalMapping, "李小龍 Trần",
            "Ωμέγα \u{202E}evil", "A\u{0000}B", "\"quoted\" \\ back/slash\n", "🇻🇳 Đỗ", nil,
        ]
        let rows =
            names.enumerated().map { index, name in
                SyncRow(
                    sequence: 41 + index,
                    pledge: SyncPledge(
                        id: UUID(), code: "ABCD-EFGH-JKMN-PQ\(index)S", kiosk: "kiosk-\(index)", number: index + 1,
                        name: name,
                        ageBand: "12-15", province: index.isMultiple(of: 2) ? nil : "Hà Nội",
                        guardianConsent: index > 3,
                        createdAt: "2026-12-06T21:06:55.12\(index)Z"))
            } + [
                SyncRow(sequence: 49, erasure: SyncErasure(code: "X", erasedAt: "2026-12-06T21:06:55.123Z")),
                SyncRow(sequence: 50, purge: SyncPurge(createdBefore: "a", purgedAt: "b")),
                SyncRow(sequence: 51, held: SyncHeld(reason: "refused: ”lý do“")),
            ]
        for batch in [
            SyncBatch(event: "hoi-sach-2026", rows: rows, erasuresSeen: 12),
            SyncBatch(event: "e", rows: [], erasuresSeen: 0),
        ] {
            for data in [try WireJSON.encode(batch), try WireJSON.encode(batch, pretty: true)] {
                #expect(SyncBatch.readCommonForm(data) == batch)
                #expect(try SyncBatch.decode(data) == batch)
                Self.expectSame(data)
            }
        }
    }

    @Test(arguments: trickyBodies)
    func trickyBodiesReadAsTheGeneralReaderReadsThem(_ data: Data) {
        Self.expectSame(data)
    }

    /// Thousands of bodies one edit away from a valid batch: the same outcome each time.
    @Test func mutatedBatchesReadAsTheGeneralReaderReadsThem() {
        let valid = Array(
            batch(
                rows: #"{"sequence":1,"pledge":\#(pledge())},{"sequence":2,"erasure":{"code":"C","erasedAt":"d"}},"#
                    + #"{"sequence":3,"purge":{"createdBefore":"a","purgedAt":"b"}},{"sequence":4,"held":{"reason":"r"}}"#
            ))
        let alphabet = Array(#"{}[],:"\ .-+0123456789eEtfnulabcdxyz"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xE1, 0xFF]
        var random = SplitMix64(seed: 14)
        var read = 0
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0...random.below(2) {
                let at = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[at] = alphabet[random.below(alphabet.count)]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(alphabet[random.below(alphabet.count)], at: at)
                default:
                    let end = min(bytes.count, at + 1 + random.below(30))
                    bytes.insert(contentsOf: bytes[at..<end], at: end)
                }
            }
            let data = Data(bytes)
            if SyncBatch.readCommonForm(data) != nil { read += 1 }
            Self.expectSame(data)
        }
        // Some edits keep the common form (a digit, a letter of a text): the shortcut ran.
        #expect(read > 100)
    }
}

private let uuid = "1B4E28BA-2FA1-11D2-883F-0016D3CCA427"

private func pledge(name: String = #""Nguyễn Thị Ánh""#, extra: String = "") -> String {
    #"{"id":"\#(uuid)","code":"ABCD-EFGH-JKMN-PQRS","kiosk":"kiosk-1","number":7,"name":\#(name),"ageBand":"16-17","province":"Huế","guardianConsent":false,"createdAt":"2026-12-06T21:06:55.123Z"\#(extra)}"#
}

private func batch(rows: String, extra: String = "") -> Data {
    Data(#"{"event":"hoi-sach-2026","rows":[\#(rows)],"erasuresSeen":0\#(extra)}"#.utf8)
}

private let trickyBodies: [Data] = [
    // Read in one pass: nulls for optional members, escapes, space, member order.
    batch(rows: #"{"sequence":1,"pledge":\#(pledge(name: "null"))}"#),
    batch(rows: #"{"pledge":\#(pledge(name: #""Nguy\u1ec5n \ud83c\udf89 \/ \u0041""#)),"sequence":1,"erasure":null}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge(name: #""Nguye\u0302\u0303n""#))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge(extra: #","province":null"#))}"#),
    Data(" \n{ \"rows\" : [ ] ,\t\"erasuresSeen\" : -0 , \"event\" : \"e\" } \r\n".utf8),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge().replacingOccurrences(of: uuid, with: uuid.lowercased()))}"#),
    batch(rows: #"{"sequence":1,"pledge":null,"held":{"reason":"x"},"purge":null}"#),
    Data(#"{"event":"e","rows":[],"erasuresSeen":0,"ev\u0065nt":"f"}"#.utf8),
    Data(#"{"ev\u0065nt":"e","rows":[],"erasuresSeen":0}"#.utf8),
    // Left to the general reader: each of these is wrong, or not of the common form.
    batch(rows: #"{"sequence":1,"pledge":\#(pledge(extra: #","nmae":"x""#))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge(extra: #","name":"x""#))}"#),
    batch(rows: #"{"sequence":1,"pledg":\#(pledge())}"#),
    batch(rows: #"{"sequence":1.0,"pledge":\#(pledge())}"#),
    batch(rows: #"{"sequence":1e0,"pledge":\#(pledge())}"#),
    batch(rows: #"{"sequence":1.5,"pledge":\#(pledge())}"#),
    batch(rows: #"{"sequence":01,"pledge":\#(pledge())}"#),
    batch(rows: #"{"sequence":"1","pledge":\#(pledge())}"#),
    batch(rows: #"{"sequence":9223372036854775808,"pledge":\#(pledge())}"#),
    batch(rows: #"{"sequence":-9223372036854775808,"pledge":\#(pledge())}"#),
    batch(rows: #"{"pledge":\#(pledge())}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge(name: "1"))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge(name: #""\ud800""#))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge(name: "\"a\u{0001}b\""))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge().replacingOccurrences(of: "false", with: "0"))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge().replacingOccurrences(of: uuid, with: "not-a-uuid"))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge().replacingOccurrences(of: #""number":7"#, with: ""))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge().replacingOccurrences(of: #""number":7,"#, with: ""))}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge()),}"#),
    batch(rows: #"{"sequence":1,"pledge":[]}"#),
    batch(rows: #"{"sequence":1,"pledge":\#(pledge())},"#),
    batch(rows: "", extra: #","event":"again""#),
    batch(rows: "", extra: #","more":1"#),
    Data(#"{"event":null,"rows":[],"erasuresSeen":0}"#.utf8),
    Data(#"{"event":"e","rows":{},"erasuresSeen":0}"#.utf8),
    Data(#"{"event":"e","rows":[]}"#.utf8),
    Data(#"[{"event":"e","rows":[],"erasuresSeen":0}]"#.utf8),
    Data(#"{"event":"e","rows":[],"erasuresSeen":0} x"#.utf8),
    Data([0xEF, 0xBB, 0xBF] + Array(#"{"event":"e","rows":[],"erasuresSeen":0}"#.utf8)),
    Data([0x7B, 0x22, 0x65, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D]),
    Data(), Data("null".utf8), Data("{".utf8),
]
