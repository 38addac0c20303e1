import Foundation
import KioskTestSupport
import PledgeKit
import Testing

@Suite("Names and schools are normalized before they are stored")
struct TextFieldTests {
    @Test("NFC, NFD and the mixed keyboard form become the same NFC bytes", arguments: vietnameseNames)
    func normalizesEveryKeyboardForm(_ name: VietnameseName) throws {
        #expect(name.nfd.unicodeScalars.count > name.nfc.unicodeScalars.count)
        for typed in [name.nfc, name.nfd, name.mixed] {
            let stored = try TextField.name.normalize(typed)
            #expect(Array(stored.utf8) == Array(name.nfc.utf8))
        }
    }

    @Test func collapsesInnerWhitespaceAndTrims() throws {
        #expect(try TextField.name.normalize("  Nguyễn   Văn\tAn \n") == "Nguyễn Văn An")
        #expect(try TextField.name.normalize("Lan\u{00A0}\u{00A0}Anh") == "Lan Anh")
    }

    @Test(
        "Control, bidi, noncharacters, private-use and unassigned code points are refused",
        arguments: [
            "Lan\u{0001}Anh", "Minh\u{202E}anh", "A\u{2066}B", "X\u{007F}Y", "\u{200F}An",
            // Noncharacters made the certificate's SVG invalid XML and its PDF fail (500).
            "Lan\u{E000}Anh", "Lan\u{F0000}Anh", "Lan\u{FFF9}Anh", "Lan\u{0378}Anh",
        ]
            + [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF].map {
                "Lan" + String(Unicode.Scalar(UInt32($0))!) + "Anh"
            })
    func refusesForbiddenCharacters(_ text: String) {
        #expect(throws: PledgeError(.forbiddenCharacter, vi: "", en: "")) { try TextField.name.normalize(text) }
    }

    @Test func lengthIsCountedInCharacters() throws {
        let sixty = String(repeating: "Ấ", count: 60)
        #expect(try TextField.name.normalize(sixty).count == 60)
        let sixtyNFD = sixty.decomposedStringWithCanonicalMapping
        #expect(try TextField.name.normalize(sixtyNFD) == sixty)
        #expect(throws: PledgeError(.nameTooLong, vi: "", en: "")) {
            try TextField.name.normalize(String(repeating: "A", count: 61))
        }
    }

    @Test(
        "Invisible-only names are empty",
        arguments: [
            "\u{200B}", "\u{200C}", "\u{2060}", "\u{00AD}", "\u{3164}", "\u{2800}", "\u{FE0F}", "\u{0301}", "-",
        ])
    func invisibleOnlyNamesAreRefused(_ text: String) {
        #expect(throws: PledgeError.self) { try TextField.name.normalize(text) }
        do {
            _ = try TextField.name.normalize(text)
        } catch {
            #expect([.nameEmpty, .forbiddenCharacter].contains(error.code))
        }
    }

    @Test func hiddenTagCharactersAreRefused() {
        let hidden =
            "A" + String(String.UnicodeScalarView("hidden".unicodeScalars.map { Unicode.Scalar($0.value + 0xE0000)! }))
        #expect(throws: PledgeError(.forbiddenCharacter, vi: "", en: "")) { try TextField.name.normalize(hidden) }
    }

    @Test func markFloodsAreRefusedButVietnameseStackedMarksPass() throws {
        let flood = "a" + String(repeating: "\u{0301}", count: 500)
        #expect(throws: PledgeError(.nameTooLong, vi: "", en: "")) { try TextField.name.normalize(flood) }
        let zalgo = String(repeating: "x", count: 59) + "Z" + String(repeating: "\u{0336}", count: 800)
        #expect(throws: PledgeError(.nameTooLong, vi: "", en: "")) { try TextField.name.normalize(zalgo) }
        let stacked = String(repeating: "ệẫặ", count: 20).decomposedStringWithCanonicalMapping
        #expect(try TextField.name.normalize(stacked) == String(repeating: "ệẫặ", count: 20))
        #expect(try TextField.name.normalize("Lan \u{1F469}\u{200D}\u{1F4BB}") == "Lan \u{1F469}\u{200D}\u{1F4BB}")
    }

    /// One character (grapheme cluster) may not hold an unbounded run of scalars: a breaker's
    /// 5,301-scalar "character" passed the 60-character limit and took minutes to render.
    @Test(arguments: [
        String(repeating: "\u{1100}", count: 5300) + "\u{1161}",
        "Nam" + String(repeating: "\u{200C}", count: 4000),
        "Lan " + Array(repeating: "\u{1F469}", count: 1301).joined(separator: "\u{200D}"),
        "Lan " + Array(repeating: "\u{1F469}", count: 5).joined(separator: "\u{200D}"),
    ])
    func aCharacterHoldingARunOfScalarsIsRefused(_ name: String) {
        #expect(throws: PledgeError(.nameTooLong, vi: "", en: "")) { try TextField.name.normalize(name) }
        #expect(throws: PledgeError(.schoolTooLong, vi: "", en: "")) { try TextField.school.normalize(name) }
    }

    @Test func aFamilyEmojiAndVietnameseInNFDPass() throws {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
        #expect(try TextField.name.normalize("Lan " + family) == "Lan " + family)
        let nfd = "Nguyễn Thị Ánh Tuyết".decomposedStringWithCanonicalMapping
        #expect(try TextField.name.normalize(nfd) == "Nguyễn Thị Ánh Tuyết")
    }

    @Test func emptySchoolHasItsOwnCode() {
        #expect(throws: PledgeError(.schoolEmpty, vi: "", en: "")) { try TextField.school.normalize("  ") }
    }

    @Test func emptyAfterTrimmingIsRefused() {
        #expect(throws: PledgeError(.nameEmpty, vi: "", en: "")) { try TextField.name.normalize(" \t ") }
    }

    @Test func markupIsKeptAsText() throws {
        #expect(try TextField.name.normalize("</text><script>x</script>") == "</text><script>x</script>")
    }

    @Test func searchKeyFoldsCaseDiacriticsAndD() {
        #expect(VietnameseText.searchKey("Đỗ Văn Nam") == "do van nam")
        #expect(VietnameseText.searchKey("\u{00D0}ỗ  VĂN nam") == "do van nam")
    }

    @Test func numbersUseVietnameseThousandsSeparator() {
        #expect(VietnameseText.number(12345) == "12.345")
        #expect(VietnameseText.number(7) == "7")
        #expect(VietnameseText.number(1_000_000) == "1.000.000")
    }
}
