import PledgeKit

/// A composed word read as a Vietnamese syllable: initial consonant, vowel group, final
/// consonant, tone; whether it is one, and its text with the tone on the right vowel.
///
/// The spelling rules are those of standard Vietnamese orthography: the initials b c ch d đ g gh
/// gi h k kh l m n ng ngh nh p ph qu r s t th tr v x (or none), the finals c ch m n ng nh p t (or
/// none), the vowel groups listed in ``vowelGroups``; a group ending in a glide (ai, ao, ưu, oai…)
/// takes no final consonant, and after c, ch, p, t only sắc or nặng. In `gi` and `qu` the i and u
/// belong to the consonant ("giá", "quá") when a vowel follows.
///
/// Tone placement is the old style ("kiểu cũ", Unikey's default and the usual spelling of names
/// on identity papers): on the vowel with a mark (ơ of ươ); else the only vowel; the middle of
/// three; of two, the second when a final consonant follows ("hoàng", "huỳnh") and the first
/// when none does ("hòa", "thủy", "khỏe", "mùa").
struct VietnameseSyllable {
    private(set) var letters: [VietnameseInput.Letter]
    let tone: VietnameseInput.Tone
    let initial: String
    /// Indices in ``letters`` of the vowel group (without the i of gi or the u of qu).
    let vowels: [Int]
    let final: String

    static let initials: Set<String> = [
        "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p",
        "ph", "q", "qu", "r", "s", "t", "th", "tr", "v", "x",
    ]
    static let finals: Set<String> = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
    /// Every vowel group of Vietnamese; those that need a final consonant (iê, uô, ươ, uâ, oă,
    /// uyê, yê) are taken without one too, as they show while the word is being typed.
    static let vowelGroups: Set<String> = [
        "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
        "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi",
        "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "yê",
        "iêu", "oai", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu",
    ]
    /// Groups ending in a glide, which take no final consonant.
    static let openGroups: Set<String> = [
        "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa", "ưi", "ưu",
        "iêu", "oai", "oay", "oeo", "uây", "uôi", "uya", "uyu", "ươi", "ươu", "yêu",
    ]
    /// The letters of the Vietnamese alphabet without marks (no f, j, w, z).
    static let alphabet: Set<Character> = Set("abcdeghiklmnopqrstuvxy")

    /// Splits `word`; nil when it is empty.
    init?(_ word: VietnameseInput.Composition) {
        letters = word.letters
        tone = word.tone
        guard !letters.isEmpty else { return nil }
        let lower = letters.map { $0.text.lowercased() }
        var start = letters.firstIndex(where: \.isVowel) ?? letters.count
        var head = lower[..<start].joined()
        // gi and qu: the vowel is part of the consonant when another vowel follows.
        if start + 1 < letters.count, letters[start + 1].isVowel,
            (head == "g" && lower[start] == "i") || (head == "q" && lower[start] == "u")
        {
            head += lower[start]
            start += 1
        }
        initial = head
        var end = start
        while end < letters.count, letters[end].isVowel { end += 1 }
        vowels = Array(start..<end)
        final = lower[end...].joined()
        // ươ never ends a syllable after a consonant: "thuowr" (ươ from uow) is "thuở", "huow"
        // "huơ". (Alone, "uow" shows ươ, the start of ương, ươm.)
        if !initial.isEmpty, vowels.count == 2, final.isEmpty, letters[vowels[0]].lower == "u",
            letters[vowels[0]].mark == .horn,
            letters[vowels[1]].lower == "o", letters[vowels[1]].mark == .horn
        {
            letters[vowels[0]].mark = nil
        }
    }

    /// Whether the word is a Vietnamese syllable, or the start of one being typed (consonants alone).
    var isValid: Bool {
        guard letters.allSatisfy({ Self.alphabet.contains($0.lower) }), Self.initials.contains(initial) else {
            return false
        }
        if initial == "q", letters.count < 2 || letters[1].lower != "u" { return false }
        guard !vowels.isEmpty else { return final.isEmpty && tone == .none }
        let group = vowels.map { letters[$0].text.lowercased() }.joined()
        guard Self.vowelGroups.contains(group), Self.finals.contains(final),
            letters[vowels.last! + 1..<letters.count].allSatisfy({ !$0.isVowel })
        else { return false }
        if Self.openGroups.contains(group), !final.isEmpty { return false }
        if group.hasPrefix("iê"), initial.isEmpty { return false }  // spelt yê
        if ["c", "ch", "p", "t"].contains(final), ![.none, .acute, .dot].contains(tone) { return false }
        return true
    }

    /// The index in ``letters`` of the vowel that carries the tone (old style; see the type).
    var toneIndex: Int? {
        guard !vowels.isEmpty else { return nil }
        if let marked = vowels.last(where: { [.circumflex, .breve, .horn].contains(letters[$0].mark) }) {
            return marked
        }
        switch vowels.count {
        case 1: return vowels[0]
        case 2: return final.isEmpty ? vowels[0] : vowels[1]
        default: return vowels[1]
        }
    }

    /// The word as written, in NFC.
    var text: String {
        let place = toneIndex
        var out = ""
        for (index, letter) in letters.enumerated() {
            out += letter.text
            if index == place { out += tone.combining }
        }
        return VietnameseText.nfc(out)
    }
}
