import CFontconfig

/// Checks with fontconfig that a font family is installed and draws Vietnamese.
public enum FontCheck {
    /// Letters a Vietnamese font must have: ư ơ đ and stacked marks (ệ ẫ ặ ổ ữ), both cases.
    public static let vietnameseSample = "ăâđêôơưĂÂĐÊÔƠƯệẫặổữỆẪẶỔỮ"

    /// Generic CSS families: they name no font, so a template may only use them as a last fallback.
    public static let genericFamilies: Set<String> = [
        "serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
    ]

    /// Whether `family` is installed (the font fontconfig picks for it carries that family name)
    /// and has every letter of ``vietnameseSample``. Returns nil when it is, else the problem.
    /// The corresponding C functions are `FcFontMatch` and `FcCharSetHasChar`.
    public static func problem(with family: String) -> String? {
        guard FcInit() != 0 else { return "fontconfig could not be initialized" }
        guard let pattern = FcPatternCreate() else { return "fontconfig: out of memory" }
        defer { FcPatternDestroy(pattern) }
        _ = family.withCString { name in
            FcPatternAddString(
                pattern, cfontconfig_family, UnsafeRawPointer(name).assumingMemoryBound(to: FcChar8.self))
        }
        FcConfigSubstitute(nil, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, pattern, &result) else {
            return "font family '\(family)' is not installed"
        }
        defer { FcPatternDestroy(match) }
        var names: [String] = []
        var index: Int32 = 0
        var value: UnsafeMutablePointer<FcChar8>?
        while FcPatternGetString(match, cfontconfig_family, index, &value) == FcResultMatch, let value {
            names.append(String(cString: value))
            index += 1
        }
        guard names.contains(where: { $0.lowercased() == family.lowercased() }) else {
            let fallback = names.first.map { " (fontconfig would use '\($0)' instead)" } ?? ""
            return "font family '\(family)' is not installed\(fallback)"
        }
        var charset: OpaquePointer?
        guard FcPatternGetCharSet(match, cfontconfig_charset, 0, &charset) == FcResultMatch, let charset else {
            return "font family '\(family)': fontconfig reports no character set"
        }
        let missing = vietnameseSample.unicodeScalars.filter { FcCharSetHasChar(charset, $0.value) == 0 }
        guard missing.isEmpty else {
            return "font family '\(family)' lacks Vietnamese letters: \(String(String.UnicodeScalarView(missing)))"
        }
        return nil
    }
}
