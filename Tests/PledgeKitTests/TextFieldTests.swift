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
        "Control and bidi characters are refused",
        arguments: ["Lan\u{0001}Anh", "Minh\u{202E}anh", "A\u{2066}B", "X\u{007F}Y", "\u{200F}An"])
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
