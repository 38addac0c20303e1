import Foundation

/// Text rules for Vietnamese input: every string that enters the kiosk passes through here.
public enum VietnameseText {
    /// Unicode Normalization Form C (UAX #15), by Foundation. Keyboards send NFC, NFD, or a
    /// precomposed vowel followed by a combining tone mark; all three become the same bytes.
    public static func nfc(_ text: String) -> String {
        // Most names are already NFC in the scalars of ``isNFCAlone(_:)``: no call to Foundation.
        if text.unicodeScalars.allSatisfy(isNFCAlone) { return text }
        return text.precomposedStringWithCanonicalMapping
    }

    /// Whether a text made of such scalars only is in NFC as it is: U+0000–U+02FF (every one a
    /// starter, canonical combining class 0, with NFC_Quick_Check=Yes; the combining marks start
    /// at U+0300) and the Vietnamese precomposed letters U+1EA0–U+1EF9 (the same). By UAX #15's
    /// quick check (section 9), a text of such scalars is NFC; `VietnameseTextTests` compares
    /// with Foundation's NFC over every pair of them.
    static func isNFCAlone(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x300 || (0x1EA0...0x1EF9).contains(scalar.value)
    }

    /// A key for matching that ignores case, diacritics and surrounding white space, with đ/Đ
    /// (and the look-alike Ð, U+00D0) folded to d: "Đỗ Văn Nam" and "do van nam" share a key.
    ///
    /// The rule: NFD (UAX #15), drop the combining diacritical marks U+0300–U+036F, fold đ/Đ/Ð/ð
    /// to d, lowercase, then ``collapsingWhitespace(_:)``.
    public static func searchKey(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars
        where !(0x0300...0x036F).contains(scalar.value) {
            switch scalar {
            case "đ", "Đ", "Ð", "ð": folded.append("d")
            default: folded.append(scalar)
            }
        }
        return collapsingWhitespace(String(folded).lowercased())
    }

    /// Trims the ends and turns every run of inner white space (spaces, tabs, line breaks,
    /// no-break spaces) into one ASCII space.
    public static func collapsingWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Whether a scalar may never be part of stored text: C0/C1 controls other than white space;
    /// the bidirectional embedding, override, isolate and mark controls (Unicode UAX #9), which can
    /// make a name display differently from what it contains (CVE-2021-42574, "Trojan Source");
    /// tag characters (U+E0000–E007F), which hide text; and other invisible default-ignorable code
    /// points (zero-width space, word joiner, soft hyphen, Hangul fillers, BOM). Zero-width
    /// (non-)joiners and variation selectors stay: emoji and some scripts need them.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        case 0x0000...0x001F, 0x007F...0x009F: return !scalar.properties.isWhitespace
        case 0xE0000...0xE007F: return true
        // Interlinear annotation controls (format characters a name never needs), and the
        // replacement character: bytes that were not UTF-8, lost on the way (a form's %C3%28).
        case 0xFFF9...0xFFFB, 0xFFFD: return true
        case 0x200C, 0x200D, 0xFE00...0xFE0F, 0xE0100...0xE01EF: return false
        default:
            // Noncharacters (U+FDD0–FDEF, U+xFFFE/xFFFF) are not allowed in XML and make the
            // certificate's SVG and PDF fail to render; private-use and unassigned code points
            // show as nothing a reader can check.
            let properties = scalar.properties
            return properties.isDefaultIgnorableCodePoint || properties.isNoncharacterCodePoint
                || properties.generalCategory == .privateUse || properties.generalCategory == .unassigned
        }
    }

    /// The most combining marks one character may carry. Vietnamese needs two (a vowel mark and
    /// a tone mark, as in ệ = e + ◌̂ + ◌̣); a pile of marks ("Zalgo" text) would let one
    /// "character" hold kilobytes and draw over the lines around it.
    public static let maximumMarksPerCharacter = 4

    /// The most Unicode scalars one character (grapheme cluster) may hold: a family emoji joined
    /// with zero-width joiners holds 7. A cluster can otherwise grow without end (a run of
    /// Hangul leading jamo, a letter followed by thousands of zero-width non-joiners) while
    /// counting as one character, and a 5,000-scalar name took minutes to render.
    public static let maximumScalarsPerCharacter = 8

    /// Whether a character carries more combining marks than ``maximumMarksPerCharacter``
    /// (counted after full decomposition, so NFC and NFD input are judged alike), or holds more
    /// Unicode scalars than ``maximumScalarsPerCharacter``.
    static func hasTooManyMarks(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars.count
        if scalars > maximumScalarsPerCharacter { return true }
        // One scalar's canonical decomposition holds at most 4 scalars (UAX #15, section 13), so
        // never more marks than allowed: no call to Foundation for it. `VietnameseTextTests`
        // checks ``decomposedMarks(_:)`` of every scalar that has a decomposition.
        if scalars == 1 { return false }
        return decomposedMarks(character) > maximumMarksPerCharacter
    }

    /// The combining marks of `character` after full canonical decomposition (NFD).
    static func decomposedMarks(_ character: Character) -> Int {
        String(character).decomposedStringWithCanonicalMapping.unicodeScalars.lazy.filter {
            [.nonspacingMark, .enclosingMark, .spacingMark].contains($0.properties.generalCategory)
        }.count
    }

    /// Whether a text has something a reader can see as a name: at least one letter or digit.
    static func hasLetterOrDigit(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}

extension VietnameseText {
    /// A count as Vietnamese writes it, with "." between thousands: 12345 → "12.345".
    public static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ".")
    }
}
