import Foundation
import KioskTestSupport
import Testing

@testable import PledgeKit

/// One row of `Fixtures/vietnamese-names.tsv` (a copy of the shared corpus): a name as a keyboard
/// typed it (`nfc`, `nfd`, or `tohop`: a precomposed vowel followed by a combining tone mark) and
/// the NFC form that must be stored.
struct CorpusName: Sendable, CustomStringConvertible {
    let form: String
    let input: String
    let stored: String
    var description: String { "\(form) \(stored)" }

    static let all: [CorpusName] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vietnamese-names.tsv")
        // Read as bytes: the forms must reach the tests exactly as written.
        let text = String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { return nil }
            return CorpusName(form: fields[0], input: fields[1], stored: fields[2])
        }
    }()
}

/// The Foundation rules of ``VietnameseText`` and ``TextField``, without the table: what the
/// fast paths must give.
enum Reference {
    static func nfc(_ text: String) -> String { VietnameseText.foundationNFC(text) }
    static func collapsing(_ text: String) -> String { VietnameseText.collapsingWhitespaceInGeneral(text) }
    static func searchKey(_ text: String) -> String { collapsing(VietnameseText.foundationSearchFold(text)) }
    static func sortKey(_ text: String) -> String {
        VietnameseText.foundationSortKey(collapsed: collapsing(nfc(text)))
    }
    static func normalize(_ text: String, _ field: TextField = .name) -> Result<String, PledgeError> {
        Result { () throws(PledgeError) in try field.normalizeInGeneral(nfc(text)) }
    }
}

func normalized(_ text: String, _ field: TextField = .name) -> Result<String, PledgeError> {
    Result { () throws(PledgeError) in try field.normalize(text) }
}

/// Same text, same bytes: `==` on String compares canonically equivalent texts as equal.
func sameBytes(_ a: String, _ b: String) -> Bool { Array(a.utf8) == Array(b.utf8) }

func sameOutcome(_ a: Result<String, PledgeError>, _ b: Result<String, PledgeError>) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)): sameBytes(x, y)
    case (.failure(let x), .failure(let y)): x.code == y.code && x.field == y.field
    default: false
    }
}

@Suite("The Latin table gives what Foundation gives")
struct LatinTableTests {
    @Test func corpusIsRead() {
        #expect(CorpusName.all.count >= 50)
        #expect(Set(CorpusName.all.map(\.form)) == ["nfc", "nfd", "tohop"])
    }

    @Test("Every keyboard form of every corpus name", arguments: CorpusName.all)
    func corpusName(_ name: CorpusName) {
        #expect(sameBytes(VietnameseText.nfc(name.input), name.stored))
        #expect(sameBytes(VietnameseText.nfc(name.input), Reference.nfc(name.input)))
        #expect(sameOutcome(normalized(name.input), .success(name.stored)))
        #expect(sameOutcome(normalized(name.input), Reference.normalize(name.input)))
        #expect(sameOutcome(normalized(name.input, .school), Reference.normalize(name.input, .school)))
        #expect(sameBytes(VietnameseText.searchKey(name.input), Reference.searchKey(name.input)))
        #expect(sameBytes(VietnameseText.sortKey(name.input), Reference.sortKey(name.input)))
        #expect(sameBytes(VietnameseText.collapsingWhitespace(name.input), Reference.collapsing(name.input)))
        // The stored form takes the fast path (the test above would pass by Foundation alone).
        let table = VietnameseText.LatinTable.shared
        #expect(table.isNFC(name.stored))
        #expect(table.sortKey(collapsed: name.stored) != nil)
        #expect(table.searchFold(name.input) != nil)
        #expect(table.scan(name.stored)?.collapsed == true)
    }

    @Test func everyScalarOfTheTableAlone() {
        let table = VietnameseText.LatinTable.shared
        var fast = 0
        for scalar in VietnameseText.LatinTable.scalars {
            let text = String(scalar)
            #expect(sameBytes(VietnameseText.nfc(text), Reference.nfc(text)), "\(scalar.value)")
            #expect(sameBytes(VietnameseText.searchKey(text), Reference.searchKey(text)), "\(scalar.value)")
            #expect(sameBytes(VietnameseText.sortKey(text), Reference.sortKey(text)), "\(scalar.value)")
            #expect(sameOutcome(normalized(text), Reference.normalize(text)), "\(scalar.value)")
            #expect(sameBytes(VietnameseText.collapsingWhitespace(text), Reference.collapsing(text)))
            #expect(!VietnameseText.hasTooManyMarks(Character(scalar)))
            if table.isNFC(text) { fast += 1 }
        }
        // All of them are NFC-stable starters: the table covers its whole range.
        #expect(fast == VietnameseText.LatinTable.count)
    }

    /// No scalar of the table composes with, or reorders around, a neighbour: each one between
    /// every other one leaves NFC unchanged, and the keys of the whole text are the keys made a
    /// scalar at a time.
    @Test func everyPairOfScalarsOfTheTable() {
        let scalars = VietnameseText.LatinTable.scalars.filter { $0 != "\r" && $0 != "\n" }
        for second in scalars {
            var view = String.UnicodeScalarView()
            for first in scalars {
                view.append(first)
                view.append(second)
            }
            let text = String(view)
            #expect(VietnameseText.LatinTable.shared.isNFC(text))
            #expect(sameBytes(Reference.nfc(text), text), "\(second.value)")
            #expect(sameBytes(VietnameseText.searchKey(text), Reference.searchKey(text)), "\(second.value)")
            #expect(sameBytes(VietnameseText.sortKey(text), Reference.sortKey(text)), "\(second.value)")
        }
    }

    @Test func randomMixedTexts() {
        // Vietnamese letters in NFC and NFD, combining marks alone, white space of every kind,
        // and scalars outside the table (Greek, Cyrillic, Hangul jamo, emoji, bidi controls).
        let corpus: [String] = CorpusName.all.flatMap { [$0.input, $0.stored] }.flatMap { $0.map(String.init) }
        let plain: [String] = [
            "a", "Z", "0", "9", " ", "  ", "\t", "\n", "\r\n", "\u{A0}", "\u{85}", "-", ".", "'", "\u{1}",
        ]
        let marks: [String] = [
            "\u{0300}", "\u{0301}", "\u{0302}", "\u{0303}", "\u{0309}", "\u{0323}", "\u{0306}", "\u{031B}",
            "\u{0327}", "\u{0338}", "\u{0345}", "\u{034F}", "\u{0483}", "\u{1AB0}", "\u{20DD}",
        ]
        let others: [String] = [
            "Ω", "Σ", "ς", "Ж", "ß", "İ", "ı", "ǅ", "Å", "\u{212B}", "\u{1100}", "\u{1161}", "\u{11A8}",
            "\u{1F469}\u{200D}\u{1F4BB}", "\u{200B}", "\u{202E}", "\u{FEFF}", "\u{1EF9}", "\u{1E9E}",
            "\u{02B0}", "\u{02FF}", "\u{01C4}", "\u{0149}", "\u{00AD}", "\u{1E00}", "\u{1EFF}",
        ]
        let pieces = corpus + plain + marks + others
        var generator = SplitMix64(seed: 20_251_010)
        for _ in 0..<3000 {
            let length = Int(generator.next() % 12)
            let text = (0..<length).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            #expect(sameBytes(VietnameseText.nfc(text), Reference.nfc(text)), "\(Array(text.unicodeScalars))")
            #expect(sameBytes(VietnameseText.searchKey(text), Reference.searchKey(text)), "\(text.debugDescription)")
            #expect(sameBytes(VietnameseText.sortKey(text), Reference.sortKey(text)), "\(text.debugDescription)")
            #expect(sameOutcome(normalized(text), Reference.normalize(text)), "\(text.debugDescription)")
            #expect(
                sameBytes(VietnameseText.collapsingWhitespace(text), Reference.collapsing(text)),
                "\(text.debugDescription)")
        }
    }

    @Test func provincesAreFoundByAnyForm() {
        for province in Province.all {
            #expect(Province(matching: province.name) == province)
            #expect(Province(matching: province.name.decomposedStringWithCanonicalMapping) == province)
            #expect(Province(matching: Reference.searchKey(province.name).uppercased()) == province)
        }
        #expect(Province(matching: "TP. Hà Nội")?.name == "Hà Nội")
        #expect(Province(matching: "Hà Tây") == nil)
    }
}
