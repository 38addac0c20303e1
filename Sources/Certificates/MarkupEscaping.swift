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
        guard text.utf8.contains(where: isSpecial) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 32)
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text`'s UTF-8 bytes to `out`, escaped as ``escape(_:)`` escapes (the same rule, by
    /// the same code): the certificate page is built as bytes (H2, BENCHMARKS.md).
    public static func append(_ text: String, to out: inout [UInt8]) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { append($0, to: &out) }
        if done == nil { Array(text.utf8).withUnsafeBufferPointer { append($0, to: &out) } }
    }

    private static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var start = 0
        for index in bytes.indices where isSpecial(bytes[index]) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            entity(bytes[index]).withUTF8Buffer { out.append(contentsOf: $0) }
            start = index + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27
    }

    private static func entity(_ byte: UInt8) -> StaticString {
        switch byte {
        case 0x26: "&amp;"
        case 0x3C: "&lt;"
        case 0x3E: "&gt;"
        case 0x22: "&quot;"
        default: "&#39;"
        }
    }

    @discardableResult
    public static func register() -> String {
        MustacheContentTypes.register(MarkupEscaping(), named: name)
        return pragma
    }
}
