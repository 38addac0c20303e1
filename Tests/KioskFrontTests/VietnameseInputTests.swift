import Foundation
import PledgeKit
import Testing

@testable import KioskFront

/// One row of a key table: the method, the keys typed, the text they must give.
struct TypingCase: CustomTestStringConvertible, Sendable {
    let method: VietnameseInputMethod
    let keys: String
    let expected: String

    var testDescription: String { "\(method.rawValue) \(keys) → \(expected)" }

    /// The rows of a tab-separated table in `Fixtures/` (`#` starts a comment line).
    static func load(_ file: String) -> [TypingCase] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(file)
        guard let table = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return table.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, let method = VietnameseInputMethod(rawValue: fields[0]) else { return nil }
            return TypingCase(method: method, keys: fields[1], expected: fields[2])
        }
    }

    /// The keys typed one by one into an empty field.
    var typed: String {
        var field = ""
        var word: VietnameseInput.Word?
        for key in keys {
            VietnameseInput.type(String(key), into: &field, word: &word, method: method, maxLength: 60)
        }
        return field
    }
}

@Suite struct VietnameseInputTests {
    static let names = TypingCase.load("telex-names.tsv")
    static let syllables = TypingCase.load("vietnamese-syllables.tsv")

    @Test func theTablesAreThere() {
        #expect(Self.names.count >= 38)
        // At least 300 syllables, each in Telex and VNI.
        #expect(Set(Self.syllables.map(\.expected)).count >= 300)
        #expect(Set(Self.syllables.filter { $0.method == .vni }.map { $0.expected.lowercased() }).count >= 300)
    }

    /// The starting set of issue 17 (`../shared/corpus/telex.tsv`, copied): whole names, key by key.
    @Test(arguments: names) func namesTypedKeyByKey(_ row: TypingCase) {
        #expect(row.typed == row.expected)
        #expect(row.typed == VietnameseText.nfc(row.expected))
    }

    /// Every vowel, mark and tone, in Telex and VNI, with the tone last or right after its vowel.
    @Test(arguments: syllables) func syllablesTypedKeyByKey(_ row: TypingCase) {
        #expect(row.typed == row.expected)
        #expect(VietnameseInput.word(keys: row.keys, method: row.method) == row.expected)
    }

    /// After Backspace (or back on the screen), typing goes on from the word as shown: its keys
    /// are found again from the text.
    @Test(arguments: syllables.filter { $0.expected.count > 1 && $0.expected.last!.isASCII })
    func wordsContinueAfterBackspace(_ row: TypingCase) throws {
        let keys = try #require(VietnameseInput.keys(for: row.expected, method: row.method))
        #expect(VietnameseInput.word(keys: keys, method: row.method) == row.expected)
        var field = row.expected
        let last = field.removeLast()
        var word: VietnameseInput.Word?
        VietnameseInput.type(String(last), into: &field, word: &word, method: row.method, maxLength: 60)
        #expect(field == row.expected)
    }

    @Test(arguments: [
        "Jessica", "Aaron", "Oscar", "John", "Michael", "William", "Chris", "Thomas", "Peter", "Sarah", "Oliver",
        "David", "Sofia", "Maria", "Alex", "Jennifer", "Elizabeth", "Robert", "Wendy",
        "Irene", "Emma", "Anderson", "Kevin",
    ])
    func foreignNamesStayAsTyped(_ name: String) {
        for method in [VietnameseInputMethod.telex, .vni] {
            #expect(TypingCase(method: method, keys: name, expected: name).typed == name)
        }
    }

    @Test(arguments: [
        ("ass", "as"), ("Ross", "Ros"), ("Rosss", "Ross"), ("ddd", "dd"), ("aaa", "aa"), ("uww", "uw"), ("Maxx", "Max"),
        ("asss", "ass"),
        ("DDAWNGF", "ĐẰNG"), ("Nguyeenx", "Nguyễn"), ("Nguyeexn", "Nguyễn"), ("Nguyenex", "Nguyễn"),
        ("uow", "ươ"), ("uwow", "ươ"), ("nguowif", "người"), ("w", "ư"), ("tw", "tư"), ("hoaw", "hoă"),
        ("muaw", "mưa"), ("quaw", "quă"), ("quow", "quơ"), ("asz", "a"), ("Thij", "Thị"), ("hoaf", "hòa"),
        ("thuyr", "thủy"), ("khoer", "khỏe"), ("hoangf", "hoàng"), ("huyfnh", "huỳnh"), ("gias", "giá"),
        ("quys", "quý"), ("gif", "gì"), ("ngoeoj", "ngoẹo"), ("Dd", "Đ"),
    ])
    func telexRules(_ keys: String, _ expected: String) {
        #expect(TypingCase(method: .telex, keys: keys, expected: expected).typed == expected)
    }

    @Test(arguments: [
        ("a11", "a1"), ("d99", "d9"), ("Nguye6n4", "Nguyễn"), ("Nguye4n6", "Nguyễn"), ("D9A8NG2", "ĐẰNG"),
        ("u7o7", "ươ"), ("uo7", "ươ"), ("a10", "a"), ("Lop 5", "Lop 5"), ("hoa2", "hòa"), ("thuy3", "thủy"),
    ])
    func vniRules(_ keys: String, _ expected: String) {
        #expect(TypingCase(method: .vni, keys: keys, expected: expected).typed == expected)
    }

    @Test func offTakesKeysAsTyped() {
        #expect(TypingCase(method: .off, keys: "Nguyeenx", expected: "").typed == "Nguyeenx")
    }

    /// Text already composed (an input method outside, or pasted; NFC or NFD) passes unchanged.
    @Test func composedTextPassesThrough() {
        for name in ["Nguyễn Thị Ánh", "Nguyễn Thị Ánh".decomposedStringWithCanonicalMapping, "Đỗ Văn Sang"] {
            var field = ""
            var word: VietnameseInput.Word?
            VietnameseInput.type(name, into: &field, word: &word, method: .telex, maxLength: 60)
            #expect(field == name)
            #expect(field.unicodeScalars.elementsEqual(name.unicodeScalars))
        }
    }

    @Test func theFieldStaysWithinItsLength() {
        var field = String(repeating: "x", count: 58) + " "
        var word: VietnameseInput.Word?
        VietnameseInput.type("Nguyeenx", into: &field, word: &word, method: .telex, maxLength: 60)
        #expect(field.count == 60)
        // Toggling keys grow the keys, not the word: a pasted flood is cut, not slow.
        field = ""
        word = nil
        VietnameseInput.type(
            "a" + String(repeating: "sz", count: 50_000), into: &field, word: &word, method: .telex, maxLength: 60)
        #expect(field == "á")
        #expect((word?.keys?.count ?? 0) <= 120)
    }
}

@Suite struct KioskFlowVietnameseInputTests {
    @Test func telexByDefaultInBothLanguagesAndF4Cycles() throws {
        for language in [Language.vi, .en] {
            var driver = Driver(Fixtures.flow(language: language))
            driver.press(.enter, .enter)
            #expect(driver.flow.screen == .name)
            #expect(driver.flow.inputMethod == .telex)
            driver.type("Nguyeenx Thij Anhs Tuyeets")
            #expect(driver.flow.signer.name == "Nguyễn Thị Ánh Tuyết")
            driver.press(.inputMethod)
            #expect(driver.flow.inputMethod == .vni)
            driver.press(.inputMethod)
            #expect(driver.flow.inputMethod == .off)
            driver.type(" Hoaf")
            #expect(driver.flow.signer.name == "Nguyễn Thị Ánh Tuyết Hoaf")
            driver.press(.inputMethod)
            #expect(driver.flow.inputMethod == .telex)
        }
    }

    @Test func backspaceRemovesALetterWithItsMarksAndTypingGoesOn() {
        var driver = Driver()
        driver.press(.enter, .enter)
        driver.type("Nguyeenx")
        driver.press(.backspace)
        #expect(driver.flow.signer.name == "Nguyễ")
        driver.press(.backspace)
        #expect(driver.flow.signer.name == "Nguy")
        driver.type("eexn")
        #expect(driver.flow.signer.name == "Nguyễn")
    }

    @Test func vniAndTheNextSignerStartsWithTelex() {
        var driver = Driver()
        driver.press(.enter, .enter, .inputMethod)
        driver.type("Nguye6n4 Thi5 A1nh")
        #expect(driver.flow.signer.name == "Nguyễn Thị Ánh")
        driver.press(.escape, .escape)
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.inputMethod == .telex)
    }

    @Test func theNameScreenShowsTheMethod() throws {
        let renderer = try Fixtures.renderer()
        var driver = Driver()
        driver.press(.enter, .enter)
        #expect(renderer.render(driver.flow, columns: 100, lines: 30).joined().contains("Kiểu gõ: Telex"))
        driver.press(.inputMethod)
        #expect(renderer.render(driver.flow, columns: 100, lines: 30).joined().contains("Kiểu gõ: VNI"))
        driver.press(.inputMethod, .tab)
        #expect(renderer.render(driver.flow, columns: 100, lines: 30).joined().contains("Vietnamese typing: off"))
    }

    @Test func f4IsDecodedOnEveryTerminal() {
        for sequence in ["\u{1B}[14~", "\u{1B}OS", "\u{1B}[[D"] {
            var decoder = KeyDecoder()
            #expect(decoder.decode(Array(sequence.utf8)) == [.inputMethod])
        }
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("\u{1B}[[B\u{1B}[[C".utf8)) == [.largeText, .highContrast])
    }
}
