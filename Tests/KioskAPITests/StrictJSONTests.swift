import Foundation
import PledgeKit
import Testing

@testable import KioskAPI

/// Request bodies are RFC 8259 JSON or refused with `malformed-json`; the wire bodies read back
/// as they were written.
@Suite("Strict JSON request bodies (RFC 8259)")
struct StrictJSONTests {
    func check(_ json: String) -> StrictJSON.Failure.Reason? {
        check(Data(json.utf8))
    }

    func check(_ data: Data) -> StrictJSON.Failure.Reason? {
        data.withUnsafeBytes { bytes in
            do throws(StrictJSON.Failure) {
                _ = try StrictJSON.check(bytes)
                return nil
            } catch {
                return error.reason
            }
        }
    }

    @Test(
        "Every RFC 8259 text is accepted",
        arguments: [
            #"{}"#, " {} ", #"[]"#, #""x""#, "0", "-0", "1E5", "-0.5e+10", "2e-3", " true ", "null", "false",
            #"{"a":[1,-0.5e+10,{"b":null},[],{}],"c":"\u00e1\/\"\\\b\f\n\r\t\uD83D\uDE00"}"#,
            " \r\n\t{ \"name\" : \"Nguye\u{0302}\u{0303}n\" ,\n\"ageBand\":\"16-17\", \"school\": null } \n",
            #"{"name":"Lan 👩‍💻","ageBand":"18-24"}"#, #"{"a":{"a":{"a":1}}}"#, #"[{"a":1},{"a":1}]"#,
            String(repeating: "[", count: StrictJSON.maximumDepth)
                + String(repeating: "]", count: StrictJSON.maximumDepth),
        ])
    func valid(_ json: String) {
        #expect(check(json) == nil)
        // JSONSerialization reads each the same way: the check refuses nothing that is JSON.
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)) != nil)
    }

    @Test(
        "Anything else is refused, with the reason",
        arguments: [
            (#"{"name":"A",}"#, StrictJSON.Failure.Reason.trailingComma), (#"[1,2,]"#, .trailingComma),
            (#"{"a":[1,],"b":2}"#, .trailingComma),
            (#"{"ageBand":"18-24","ageBand":"bogus"}"#, .duplicateMember("ageBand")),
            (#"{"name":"A","\u006eame":"B"}"#, .duplicateMember("name")),
            (#"{"x":{"a":1,"a":1}}"#, .duplicateMember("a")),
            ("{\"n\u{E9}\":1,\"ne\u{301}\":2}", .duplicateMember("ne?")),
            ("\u{FEFF}{}", .byteOrderMark), ("01", .leadingZero), (#"{"a":-01}"#, .leadingZero), ("1.", .invalidNumber),
            (".5", .unexpectedByte), ("+1", .unexpectedByte), ("1e", .invalidNumber), ("-", .invalidNumber),
            ("NaN", .unexpectedByte), ("Infinity", .unexpectedByte), ("{'a':1}", .unexpectedByte),
            ("{\"a\":1 // c\n}", .unexpectedByte), ("{a:1}", .unexpectedByte), (#"{"a" 1}"#, .unexpectedByte),
            ("\"tab\there\"", .controlCharacter), ("\"A\u{1}\"", .controlCharacter), (#""\x""#, .invalidEscape),
            (#""\u12G4""#, .invalidEscape), (#""\uD800""#, .loneSurrogate), (#""\uDC00""#, .loneSurrogate),
            (#""\uD800\u0041""#, .loneSurrogate), (#"{}}"#, .textAfterValue), (#"{"a":1}{}"#, .textAfterValue),
            ("", .empty), ("  ", .empty), (#"{"a":"#, .unterminated), (#"{"a":"b"#, .unterminated),
            ("[1", .unterminated),
            ("nul", .unterminated), ("truex", .textAfterValue), (#"{"a":tru}"#, .unexpectedByte),
            (String(repeating: "[", count: StrictJSON.maximumDepth + 1), .tooDeep),
            (String(repeating: #"{"a":"#, count: 20_000), .tooDeep),
        ])
    func invalid(_ json: String, _ reason: StrictJSON.Failure.Reason) {
        #expect(check(json) == reason)
    }

    @Test func invalidUTF8IsRefused() {
        for bytes: [UInt8] in [
            [0xC3, 0x28], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xE0, 0x80, 0x80], [0xFF], [0xE1, 0x80],
        ] {
            let data = Data(#"{"name":""#.utf8) + Data(bytes) + Data(#""}"#.utf8)
            #expect(check(data) == .invalidUTF8, "\(bytes)")
        }
        let nul = Data(#"{"name":"A"#.utf8) + Data([0]) + Data(#""}"#.utf8)
        #expect(check(nul) == .controlCharacter)
        #expect(check(Data(#"{"ageBand":"18-24"}"#.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })) != nil)
    }

    @Test func malformedBodiesAreMalformedJSONWithTheOffset() {
        for (json, offset) in [(#"{"name":"A",}"#, 12), ("\u{FEFF}{}", 0), (#"{"ageBand":"18-24","ageBand":"x"}"#, 19)]
        {
            do {
                _ = try PledgeRequestBody.decode(Data(json.utf8))
                Issue.record("\(json) was read")
            } catch {
                #expect(error.code == .malformedJSON)
                #expect(error.message.en.hasSuffix("at byte \(offset)."), "\(error.message.en)")
                #expect(error.message.vi.hasPrefix("Nội dung yêu cầu không phải JSON hợp lệ (RFC 8259)"))
            }
        }
    }

    @Test func bodiesAreReadAsTheDecoderReadsThem() throws {
        let json =
            #"{"name":"Nguy\u1ec5n \"An\"","ageBand":"18-24","province":null,"guardianConsent":true,"code":"7KQ2MX4P9TZAB3CD","signedAt":"2025-10-10T09:30:00Z"}"#
        let body = try PledgeRequestBody.decode(Data(json.utf8))
        #expect(body.name == "Nguyễn \"An\"")
        #expect(body.ageBand == "18-24")
        #expect(body.province == nil)
        #expect(body.guardianConsent == true)
        #expect(body.code == "7KQ2MX4P9TZAB3CD")
        #expect(body.signedAt == "2025-10-10T09:30:00Z")
    }

    @Test func unknownAndMistypedMembersAreNamed() {
        for (json, field) in [
            (#"{"name":true,"ageBand":"18-24"}"#, "name"), (#"{"guardianConsent":"yes"}"#, "guardianConsent"),
            (#"{"guardianConsent":1}"#, "guardianConsent"), (#"{"ageBand":"18-24","admin":true}"#, "admin"),
            (#"{"ageBand":"18-24","provnce":"Huế"}"#, "provnce"),
            // Echoed as printable ASCII only: no bidi override or control character from a request.
            (#"{"ageBand":"18-24","a\u202Eb\nc":1}"#, "a?b?c"),
        ] {
            do {
                _ = try PledgeRequestBody.decode(Data(json.utf8))
                Issue.record("\(json) was read")
            } catch {
                #expect(error.code == .invalidRequest)
                #expect(error.field == field)
            }
        }
        for json in ["[]", "null", "42", #""x""#] {
            #expect(throws: PledgeError(.invalidRequest, vi: "", en: "")) {
                try PledgeRequestBody.decode(Data(json.utf8))
            }
        }
    }

    /// The members the front's client sends are exactly those the service reads, so refusing
    /// unknown members breaks no front.
    @Test func theMembersAreWhatTheEncodersWrite() throws {
        let beat =
            try JSONSerialization.jsonObject(
                with: JSONEncoder().encode(KioskHeartbeat(state: .ready, waiting: 2))) as? [String: Any]
        #expect(Set(beat?.keys.map { $0 } ?? []) == KioskHeartbeat.members)
        #expect(
            PledgeRequestBody.members == [
                "name", "ageBand", "province", "school", "guardianConsent", "code", "signedAt",
            ])
    }

    /// The 201 body is the encoder's (members sorted, slashes unescaped), and reads back.
    @Test func receiptsAreWrittenSortedWithSlashesUnescaped() throws {
        let id = try #require(UUID(uuidString: "0F2B9C4E-7A51-4D3A-9E0C-6B1D2F3A4B5C"))
        let code = try #require(CertificateCode(parsing: "7KQ2MX4P9TZAB3CD"))
        for (number, url) in [
            (1, "https://khongmotminh.example.vn/C/7KQ2MX4P9TZAB3CD"), (123_456_789, "https://hà-nội.vn/C/\"\\"),
        ] {
            let receipt = PledgeReceipt(id: id, number: number, code: code, certificateUrl: url)
            let data = try WireJSON.encode(receipt)
            let escaped = url.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            #expect(
                String(decoding: data, as: UTF8.self)
                    == #"{"certificateUrl":""# + escaped + #"","code":"7KQ2MX4P9TZAB3CD","id":""# + id.uuidString
                    + #"","number":"# + "\(number)}")
            #expect(try WireJSON.decode(PledgeReceipt.self, from: data) == receipt)
        }
    }

    /// A front's body reads back as the same draft and code (one format, both ways).
    @Test func aDraftGoesOutAndComesBackTheSame() throws {
        let signed = Date(timeIntervalSince1970: 1_760_088_600.25)
        let draft = PledgeDraft(
            name: "Nguyễn Văn An", ageBand: .from18To24, province: Province(matching: "Hà Nội"),
            school: "THPT Chu Văn An",
            guardianConsent: true, signedAt: signed)
        let code = try #require(CertificateCode(parsing: "7KQ2MX4P9TZAB3CD"))
        let (read, readCode) = try PledgeRequestBody.parse(PledgeRequestBody(draft: draft, code: code).data())
        #expect(read == draft)
        #expect(readCode == code)
        let bare = PledgeDraft(name: nil, ageBand: .from25, province: nil, guardianConsent: false)
        let again = try PledgeRequestBody.parse(PledgeRequestBody(draft: bare, code: nil).data())
        #expect(again.draft == bare)
        #expect(again.code == nil)
        // Every member the service reads is one a front writes.
        let full = try JSONSerialization.jsonObject(with: PledgeRequestBody(draft: draft, code: code).data())
        #expect(Set((full as? [String: Any])?.keys.map { $0 } ?? []) == PledgeRequestBody.members)
    }

    @Test func contentTypeOfJSON() {
        #expect(MediaType.isJSON("application/json"))
        #expect(MediaType.isJSON("Application/JSON; charset=\"UTF-8\""))
        #expect(!MediaType.isJSON("application/json; charset=latin1"))
        #expect(!MediaType.isJSON("text/plain"))
    }
}
