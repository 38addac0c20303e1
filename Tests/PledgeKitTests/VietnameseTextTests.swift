import Foundation
import KioskTestSupport
import Testing

@testable import PledgeKit

/// The shortcuts inside ``VietnameseText``'s rules give what the general path (Foundation's
/// normalization) gives: NFC left as it is only where Foundation leaves it, and no mark count
/// skipped that could pass the limit.
@Suite struct VietnameseTextTests {
    /// Every scalar the NFC shortcut takes, each a starter.
    static let shortcutScalars: [Unicode.Scalar] = (Array(0..<0x300) + Array(0x1EA0...0x1EF9)).map {
        Unicode.Scalar(UInt32($0))!
    }

    @Test func theNFCShortcutTakesOnlyStartersThatFoundationLeavesAsTheyAreInEveryPair() {
        let scalars = Self.shortcutScalars
        #expect(scalars.allSatisfy(VietnameseText.isNFCAlone))
        #expect(scalars.allSatisfy { $0.properties.canonicalCombiningClass == .notReordered })
        // A starter composes only with what directly follows it: every pair covers every text.
        var changed: [String] = []
        for first in scalars {
            for second in scalars {
                var pair = String.UnicodeScalarView()
                pair.append(first)
                pair.append(second)
                let text = String(pair)
                if !text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(text.unicodeScalars) {
                    changed.append(text)
                }
            }
        }
        #expect(changed.isEmpty)
    }

    @Test func nfcGivesFoundationsBytesOnTrickyText() {
        let texts = [
            "Nguyễn Thị Ánh Tuyết", "Nguyễn Thị Ánh Tuyết".decomposedStringWithCanonicalMapping,
            // A precomposed vowel and a combining tone mark; a mark after a Latin-1 letter.
            "Nguye\u{0302}\u{0303}n", "Lê\u{0301}", "A\u{030A}ngström", "\u{212B}",
            // Mixed scripts, Hangul jamo that compose, a singleton (Ohm) and a Tamil vowel sign.
            "Trần 李 Ωμέγα \u{2126}", "\u{1100}\u{1161}\u{11A8}", "\u{0B92}\u{0BD7}", "Đỗ Văn Nam 🇻🇳",
            "", " ", "ABC",
        ]
        for text in texts {
            #expect(
                Array(VietnameseText.nfc(text).utf8) == Array(text.precomposedStringWithCanonicalMapping.utf8),
                "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func oneScalarNeverCarriesMoreMarksThanAllowed() {
        // Canonical decompositions exist only below U+30000.
        let over = (0..<0x30000).compactMap { Unicode.Scalar(UInt32($0)) }.filter {
            VietnameseText.decomposedMarks(Character($0)) > VietnameseText.maximumMarksPerCharacter
        }
        #expect(over.isEmpty)
        #expect(VietnameseText.decomposedMarks("ệ") == 2)
    }

    @Test func marksAreCountedAsBeforeForClustersOfSeveralScalars() {
        let fiveMarks = Character("e\u{0302}\u{0323}\u{0301}\u{0300}\u{0303}")
        #expect(VietnameseText.hasTooManyMarks(fiveMarks))
        // ệ precomposed (two marks once decomposed) and three more marks: five.
        #expect(VietnameseText.hasTooManyMarks(Character("\u{1EC7}\u{0301}\u{0300}\u{0303}")))
        #expect(!VietnameseText.hasTooManyMarks(Character("\u{1EC7}\u{0301}")))
        #expect(!VietnameseText.hasTooManyMarks("ệ"))
        #expect(VietnameseText.hasTooManyMarks(Character("a" + String(repeating: "\u{200C}", count: 8))))
    }
}
