/// The names of downloaded files (a certificate, an export): an ASCII name that any client and
/// file system takes, and the Vietnamese one beside it in `Content-Disposition` (RFC 6266, with
/// `filename*` per RFC 8187) for the clients that read it.
public enum DownloadName {
    /// `text` folded for a file name: ``VietnameseText/searchKey(_:)`` (no diacritics, đ as d,
    /// lower case), then `a`–`z` and `0`–`9` kept and every run of anything else one `-`, none at
    /// either end; e.g. "Hà Nội" is `ha-noi`, "Thừa Thiên Huế" `thua-thien-hue`. Empty when
    /// `text` holds no letter or digit.
    public static func asciiSlug(_ text: String) -> String {
        var ascii = ""
        for scalar in VietnameseText.searchKey(text).unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                ascii.unicodeScalars.append(scalar)
            } else if !ascii.isEmpty, !ascii.hasSuffix("-") {
                ascii += "-"
            }
        }
        while ascii.hasSuffix("-") { ascii.removeLast() }
        return ascii
    }

    /// A `Content-Disposition` value (RFC 6266): `<disposition>; filename="<ascii>"`, and
    /// `; filename*=UTF-8''<unicode, percent-encoded>` (RFC 8187) when `unicode` differs from it.
    /// - Parameters:
    ///   - disposition: `attachment` (a download) or `inline` (shown by the browser).
    ///   - ascii: printable ASCII without `"` or `\` (e.g. built from ``asciiSlug(_:)``).
    public static func contentDisposition(_ disposition: String, ascii: String, unicode: String? = nil) -> String {
        let plain = "\(disposition); filename=\"\(ascii)\""
        guard let unicode, unicode != ascii else { return plain }
        return plain + "; filename*=UTF-8''\(percentEncoded(unicode))"
    }

    /// RFC 8187 `value-chars`: `attr-char` kept, every other byte of the UTF-8 as `%XX`.
    public static func percentEncoded(_ text: String) -> String {
        let attrChars = Set("!#$&+-.^_`|~".utf8)
        var out = ""
        for byte in text.utf8 {
            let isAlnum =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if isAlnum || attrChars.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
