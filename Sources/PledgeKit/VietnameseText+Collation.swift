import Foundation

extension VietnameseText {
    /// The letters in the order of the Vietnamese alphabet (Bảng chữ cái tiếng Việt, 29 letters),
    /// with f, j, w and z, which appear in foreign names, at their Latin places.
    static let alphabet: [String] = [
        "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
    ]
    private static let letterRank: [String: Int] = Dictionary(
        uniqueKeysWithValues: alphabet.enumerated().map { ($0.element, $0.offset) })

    /// The tone marks in dictionary order, after the unmarked tone (ngang): huyền, hỏi, ngã, sắc,
    /// nặng, the order of the Vietnamese dictionaries (e.g. Hoàng Phê, Từ điển tiếng Việt).
    private static let toneRank: [UInt32: Int] = [0x0300: 1, 0x0309: 2, 0x0303: 3, 0x0301: 4, 0x0323: 5]

    /// A key whose byte order is the Vietnamese alphabetical order of names.
    ///
    /// The rule, as Vietnamese class and attendance lists sort people: first by the given name
    /// (the last word), then by the whole name from the family name on. Within each, letters
    /// compare in the order of the Vietnamese alphabet (a < ă < â < b … d < đ …), case ignored;
    /// tones count only when all letters are equal, in the order ngang, huyền, hỏi, ngã, sắc,
    /// nặng. So "An" < "Ân" < "Bình" < "Dũng" < "Đạt", and "Ma" < "Mà" < "Mả" < "Mã" < "Má" < "Mạ".
    /// Characters outside the alphabet sort after it, by code point.
    public static func sortKey(_ name: String) -> String {
        let words = collapsingWhitespace(nfc(name))
        let given = words.split(separator: " ").last.map(String.init) ?? ""
        let (givenLetters, _) = letterAndToneKeys(given)
        let (letters, tones) = letterAndToneKeys(words)
        return givenLetters + "\u{1}" + letters + "\u{1}" + tones
    }

    /// The letter key (one ASCII character per letter: 'A' + its rank; a space stays a space,
    /// digits stay digits) and the tone key (one digit per letter) of a text.
    static func letterAndToneKeys(_ text: String) -> (String, String) {
        var letters = ""
        var tones = ""
        for character in text {
            var base = ""
            var tone = 0
            for scalar in String(character).decomposedStringWithCanonicalMapping.unicodeScalars {
                if let rank = toneRank[scalar.value] {
                    tone = rank
                } else {
                    base.unicodeScalars.append(scalar)
                }
            }
            let letter = String(base.precomposedStringWithCanonicalMapping.lowercased())
            let folded = letter == "ð" ? "đ" : letter
            if let rank = letterRank[folded] {
                letters.unicodeScalars.append(Unicode.Scalar(UInt8(0x41 + rank)))
            } else if folded == " " || folded.allSatisfy(\.isASCII) && folded.allSatisfy(\.isNumber) {
                letters += folded
            } else {
                // After every letter of the alphabet ('A' + 32 = 'a'): by code point.
                letters += "~" + folded
            }
            tones += String(tone)
        }
        return (letters, tones)
    }
}
