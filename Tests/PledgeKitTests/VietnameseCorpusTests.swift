import Foundation
import KioskTestSupport
import PledgeKit
import Testing

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

/// Same text, same bytes: `==` on String compares canonically equivalent texts as equal.
func sameBytes(_ a: String, _ b: String) -> Bool { Array(a.utf8) == Array(b.utf8) }

@Suite("Every keyboard form of a Vietnamese name is stored, searched and sorted alike")
struct VietnameseCorpusTests {
    @Test func corpusIsRead() {
        #expect(CorpusName.all.count >= 50)
        #expect(Set(CorpusName.all.map(\.form)) == ["nfc", "nfd", "tohop"])
    }

    @Test("Every keyboard form of every corpus name", arguments: CorpusName.all)
    func corpusName(_ name: CorpusName) throws {
        #expect(sameBytes(VietnameseText.nfc(name.input), name.stored))
        #expect(sameBytes(try TextField.name.normalize(name.input), name.stored))
        #expect(sameBytes(try TextField.school.normalize(name.input), name.stored))
        #expect(sameBytes(VietnameseText.searchKey(name.input), VietnameseText.searchKey(name.stored)))
        #expect(sameBytes(VietnameseText.sortKey(name.input), VietnameseText.sortKey(name.stored)))
        #expect(sameBytes(VietnameseText.collapsingWhitespace(name.stored), name.stored))
        // A search key has no diacritics left: only ASCII for these Vietnamese names.
        let key = VietnameseText.searchKey(name.input)
        #expect(key.utf8.allSatisfy { $0 < 0x80 }, "\(key)")
    }

    @Test func provincesAreFoundByAnyForm() {
        for province in Province.all {
            #expect(Province(matching: province.name) == province)
            #expect(Province(matching: province.name.decomposedStringWithCanonicalMapping) == province)
            #expect(Province(matching: VietnameseText.searchKey(province.name).uppercased()) == province)
        }
        #expect(Province(matching: "TP. Hà Nội")?.name == "Hà Nội")
        #expect(Province(matching: "Hà Tây") == nil)
    }
}
