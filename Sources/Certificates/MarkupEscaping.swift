import Mustache

/// Escaping for text and attribute values in XML, SVG and HTML, scalar by scalar.
///
/// swift-mustache's HTML escaping compares whole `Character`s, so a quote or `<` followed by a
/// combining mark (`"\u{301}`, one grapheme) would pass through unescaped and could end an
/// attribute. Here every `&`, `<`, `>`, `"` and `'` scalar is replaced, whatever follows it.
public struct MarkupEscaping: MustacheContentType {
    /// The name of the content type in a `{{% CONTENT_TYPE: … }}` pragma.
    public static let name = "KIOSK_MARKUP"
    /// The pragma put in front of every template this project loads, so `{{…}}` escapes this way.
    public static let pragma = "{{% CONTENT_TYPE: \(name)}}"

    public init() {}

    public func escapeText(_ text: String) -> String { Self.escape(text) }

    public static func escape(_ text: String) -> String {
        // Most values hold none of the five (each one byte in UTF-8, never inside another scalar's bytes).
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Registers the content type with swift-mustache (idempotent) and returns the pragma.
    @discardableResult
    public static func register() -> String {
        MustacheContentTypes.register(MarkupEscaping(), named: name)
        return pragma
    }
}
