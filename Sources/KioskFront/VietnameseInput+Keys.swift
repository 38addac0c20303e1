import Foundation
import PledgeKit

extension VietnameseInput {
    /// The keys that type `word` in `method` (marks after their letter, the tone key last), or nil
    /// when no keys give it back (a letter outside the Vietnamese alphabet, or a word that is
    /// itself kept as typed): such a word is then taken as it is.
    static func keys(for word: String, method: VietnameseInputMethod) -> String? {
        guard method != .off else { return nil }
        var keys = ""
        var tone = Tone.none
        for character in word.decomposedStringWithCanonicalMapping {
            // NFD: a base letter and its combining marks, tone last among them or alone.
            var scalars = Array(character.unicodeScalars)
            if let toneIndex = scalars.firstIndex(where: { toneOf($0) != nil }) {
                tone = toneOf(scalars[toneIndex]) ?? .none
                scalars.remove(at: toneIndex)
            }
            guard let typed = typedKeys(String(String.UnicodeScalarView(scalars)), method) else { return nil }
            keys += typed
        }
        if tone != .none { keys += toneKey(tone, method) }
        return Self.word(keys: keys, method: method) == VietnameseText.nfc(word) ? keys : nil
    }

    private static func toneOf(_ scalar: Unicode.Scalar) -> Tone? {
        switch scalar.value {
        case 0x301: .acute
        case 0x300: .grave
        case 0x309: .hook
        case 0x303: .tilde
        case 0x323: .dot
        default: nil
        }
    }

    private static func toneKey(_ tone: Tone, _ method: VietnameseInputMethod) -> String {
        method == .vni ? String(tone.rawValue) : ["", "s", "f", "r", "x", "j"][tone.rawValue]
    }

    /// The keys of one letter without its tone (NFD without the tone mark), nil if not a letter
    /// of the Vietnamese alphabet or ASCII.
    private static func typedKeys(_ letter: String, _ method: VietnameseInputMethod) -> String? {
        let scalars = Array(letter.unicodeScalars)
        guard let base = scalars.first, base.isASCII, base.properties.isAlphabetic else {
            // đ and Đ do not decompose.
            switch letter {
            case "đ": return method == .vni ? "d9" : "dd"
            case "Đ": return method == .vni ? "D9" : "Dd"
            default: return nil
            }
        }
        let vni = method == .vni
        switch scalars.dropFirst().map(\.value) {
        case []: return String(base)
        case [0x302]: return String(base) + (vni ? "6" : base.properties.lowercaseMapping)
        case [0x306]: return String(base) + (vni ? "8" : "w")
        case [0x31B]: return String(base) + (vni ? "7" : "w")
        default: return nil
        }
    }
}
