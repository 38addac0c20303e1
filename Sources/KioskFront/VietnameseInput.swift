import PledgeKit

/// The input-method engine: a word is derived from its raw key sequence, again after each key,
/// so marks and tones may come anywhere in the word (`Nguyeenx` and `Nguyeexn` both give
/// "Nguyễn") and Backspace needs no undo history.
///
/// Rules (Telex and VNI as Unikey and the usual Vietnamese keyboards have them):
/// - A mark key applies to the matching vowel of the word's last vowel group (`uow` marks both
///   of ươ); `dd` (Telex, adjacent) or `d9` (VNI) makes the initial đ.
/// - A tone key applies once the word has a vowel; a second tone key replaces the first.
/// - The same key again undoes it and is then typed as itself (`ass` → "as", `ddd` → "dd",
///   `aaa` → "aa"); that key stays a letter for the rest of the word.
/// - Case follows the letter typed: `DDAWNGF` → "ĐẰNG", `Dd` → "Đ".
/// - The tone goes on the vowel ``VietnameseSyllable`` chooses: the old style ("kiểu cũ",
///   Unikey's default and the usual spelling of names): "hòa", "thủy", "khỏe".
/// - When the result is not a Vietnamese syllable (``VietnameseSyllable/isValid``), the word is
///   the keys as typed: `Jessica`, `Aaron`, `Oscar` stay so; unless a key undid a mark or tone
///   of a syllable, which asks for the letters as composed (`Maxx` → "Max", `Ross` → "Ros";
///   `Rosss` → "Ross").
public enum VietnameseInput {
    /// A diacritic on a base letter: â ê ô (circumflex), ă (breve), ơ ư (horn), đ (stroke).
    enum Mark: Hashable, Sendable {
        case circumflex, breve, horn, stroke
    }

    /// The tones, in the order of the VNI keys 1–5.
    enum Tone: Int, Hashable, Sendable {
        case none, acute, grave, hook, tilde, dot

        /// The combining mark (U+0301 acute, U+0300 grave, U+0309 hook above, U+0303 tilde,
        /// U+0323 dot below) that NFC composes with the vowel.
        var combining: String {
            switch self {
            case .none: ""
            case .acute: "\u{301}"
            case .grave: "\u{300}"
            case .hook: "\u{309}"
            case .tilde: "\u{303}"
            case .dot: "\u{323}"
            }
        }
    }

    /// One letter of a word being composed: the letter typed (its case kept) and its mark.
    struct Letter: Hashable, Sendable {
        var base: Character
        var mark: Mark?

        var lower: Character { Character(base.lowercased()) }
        var isVowel: Bool { "aeiouy".contains(lower) }

        /// The letter with its mark, without tone: "â", "Ư", "đ".
        var text: String {
            guard let mark else { return String(base) }
            let upper = base.isUppercase
            let marked: String? =
                switch (lower, mark) {
                case ("a", .circumflex): "â"
                case ("e", .circumflex): "ê"
                case ("o", .circumflex): "ô"
                case ("a", .breve): "ă"
                case ("o", .horn): "ơ"
                case ("u", .horn): "ư"
                case ("d", .stroke): "đ"
                default: nil
                }
            guard let marked else { return String(base) }
            return upper ? marked.uppercased() : marked
        }
    }

    /// A word as the keys give it: letters, tone, and whether the keys were all taken as letters.
    struct Composition: Hashable, Sendable {
        var letters: [Letter] = []
        var tone = Tone.none
        /// Keys that undid themselves (`ss`): from then on they are letters.
        var literal: Set<Character> = []

        /// Indices of the last group of adjacent vowels.
        var lastVowelGroup: [Int] {
            guard let last = letters.lastIndex(where: \.isVowel) else { return [] }
            var first = last
            while first > 0, letters[first - 1].isVowel { first -= 1 }
            return Array(first...last)
        }
    }

    /// The word `keys` give in `method`: the Vietnamese syllable when it is one, else `keys`
    /// unchanged. `keys` are the ASCII letters (and, in VNI, digits) of one word; the result is NFC.
    public static func word(keys: String, method: VietnameseInputMethod) -> String {
        guard method != .off else { return keys }
        var composition = Composition()
        // Whether a key undid a mark or tone on a Vietnamese syllable: it asked for letters.
        var undidSyllable = false
        for key in keys {
            let before = composition
            apply(key, method, to: &composition)
            if composition.literal.count > before.literal.count, !undidSyllable {
                undidSyllable = VietnameseSyllable(before)?.isValid ?? false
            }
        }
        guard let syllable = VietnameseSyllable(composition) else { return keys }
        // After such an undo, the word as composed ("ass" → "as"); "Jessica" undid nothing Vietnamese.
        return syllable.isValid || undidSyllable ? syllable.text : keys
    }

    /// One key into the composition: a mark, a tone, or a letter.
    static func apply(_ key: Character, _ method: VietnameseInputMethod, to word: inout Composition) {
        let lower = Character(key.lowercased())
        if !word.literal.contains(lower) {
            let used =
                method == .vni ? applyVNI(lower, to: &word) : applyTelex(lower, key: key, to: &word)
            if used { return }
        }
        word.letters.append(Letter(base: key))
    }

    /// Whether `key` acted as a Telex mark or tone (or undid one, and must then be typed).
    private static func applyTelex(_ key: Character, key typed: Character, to word: inout Composition) -> Bool {
        switch key {
        case "s", "f", "r", "x", "j":
            let tone: Tone = ["s": .acute, "f": .grave, "r": .hook, "x": .tilde, "j": .dot][key] ?? .none
            return setTone(tone, key, in: &word)
        case "z":
            guard word.tone != .none else { return false }
            word.tone = .none
            return true
        case "a", "e", "o":
            // Doubling: only the group's last vowel, so the o of "ngoeo" stays a letter.
            guard let last = word.lastVowelGroup.last, word.letters[last].lower == key else { return false }
            return toggle(.circumflex, at: last, key, in: &word)
        case "w":
            if word.lastVowelGroup.isEmpty {
                // Telex: w alone is ư.
                word.letters.append(Letter(base: typed.isUppercase ? "U" : "u", mark: .horn))
                return true
            }
            return setHorn(key, in: &word)
        case "d":
            // dd: the initial đ, typed as two adjacent keys.
            guard word.letters.count == 1, word.letters[0].lower == "d" else { return false }
            return toggle(.stroke, at: 0, key, in: &word)
        default:
            return false
        }
    }

    /// Whether `key` acted as a VNI mark or tone.
    private static func applyVNI(_ key: Character, to word: inout Composition) -> Bool {
        switch key {
        case "1", "2", "3", "4", "5":
            return setTone(Tone(rawValue: Int(String(key)) ?? 0) ?? .none, key, in: &word)
        case "0":
            guard word.tone != .none else { return false }
            word.tone = .none
            return true
        case "6": return setMark(.circumflex, on: ["a", "e", "o"], key, in: &word)
        case "7": return setHorn(key, in: &word)
        case "8": return setMark(.breve, on: ["a"], key, in: &word)
        case "9":
            guard let first = word.letters.first, first.lower == "d" else { return false }
            return toggle(.stroke, at: 0, key, in: &word)
        default: return false
        }
    }

    private static func setTone(_ tone: Tone, _ key: Character, in word: inout Composition) -> Bool {
        guard word.letters.contains(where: \.isVowel) else { return false }
        if word.tone == tone {
            word.tone = .none
            word.literal.insert(key)
            return false
        }
        word.tone = tone
        return true
    }

    /// Puts `mark` on the last vowel of the last vowel group whose letter is one of `bases`.
    private static func setMark(
        _ mark: Mark, on bases: Set<Character>, _ key: Character, in word: inout Composition
    ) -> Bool {
        guard let index = word.lastVowelGroup.last(where: { bases.contains(word.letters[$0].lower) }) else {
            return false
        }
        return toggle(mark, at: index, key, in: &word)
    }

    /// The horn (Telex w, VNI 7): on both of "uo" (ươ; "uơ" when nothing follows, see
    /// ``VietnameseSyllable``), else on the last u or o of the group, and
    /// in Telex on an a (ă). "ua" not after q takes it on the u ("mưa"), after q on the a ("quăng").
    private static func setHorn(_ key: Character, in word: inout Composition) -> Bool {
        let group = word.lastVowelGroup
        let telex = key == "w"
        let afterQ = group.first.map { $0 > 0 && word.letters[$0 - 1].lower == "q" } ?? false
        // The u of qu is part of the consonant: "quow" is "quơ".
        if let pair = zip(group, group.dropFirst()).first(where: {
            word.letters[$0.0].lower == "u" && word.letters[$0.1].lower == "o" && !($0.0 == group[0] && afterQ)
        }) {
            let marked = word.letters[pair.0].mark == .horn && word.letters[pair.1].mark == .horn
            if marked {
                word.letters[pair.0].mark = nil
                word.letters[pair.1].mark = nil
                word.literal.insert(key)
                return false
            }
            word.letters[pair.0].mark = .horn
            word.letters[pair.1].mark = .horn
            return true
        }
        let bases = group.map { word.letters[$0].lower }
        if bases == ["u", "a"], !afterQ {
            return toggle(.horn, at: group[0], key, in: &word)
        }
        guard
            let index = group.last(where: {
                let base = word.letters[$0].lower
                return base == "u" || base == "o" || (telex && base == "a")
            })
        else { return false }
        return toggle(word.letters[index].lower == "a" ? .breve : .horn, at: index, key, in: &word)
    }

    /// Sets `mark` on the letter at `index`, or, when it has it already, takes it off and lets
    /// `key` be typed (returns false) and a letter from then on.
    private static func toggle(_ mark: Mark, at index: Int, _ key: Character, in word: inout Composition) -> Bool {
        if word.letters[index].mark == mark {
            word.letters[index].mark = nil
            word.literal.insert(key)
            return false
        }
        word.letters[index].mark = mark
        return true
    }
}
