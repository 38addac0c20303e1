import PledgeKit

/// `Content-Disposition` for a certificate document (RFC 6266), with an ASCII `filename` for old
/// clients and the Vietnamese name in `filename*` (RFC 8187, UTF-8, percent-encoded).
public enum DocumentFileName {
    /// e.g. `inline; filename="giay-chung-nhan-nguyen-thi-anh-7KQ2MX4P9TZAB3CD.pdf";
    /// filename*=UTF-8''Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20nh%E1%BA%ADn%20-%20...pdf`.
    public static func contentDisposition(_ fields: CertificateFields, format: CertificateFormat) -> String {
        let suffix = format == .printPNG ? "-a4" : ""
        let folded = VietnameseText.searchKey(fields.isAnonymous ? "" : fields.name)
        var ascii = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                ascii.unicodeScalars.append(scalar)
            } else if !ascii.isEmpty, !ascii.hasSuffix("-") {
                ascii += "-"
            }
        }
        while ascii.hasSuffix("-") { ascii.removeLast() }
        let code = fields.code.rawValue
        let asciiName =
            ["giay-chung-nhan", String(ascii.prefix(40)), code].filter { !$0.isEmpty }
            .joined(separator: "-") + suffix + "." + format.fileExtension
        let unicodeName =
            (fields.isAnonymous ? "Giấy chứng nhận - \(code)" : "Giấy chứng nhận - \(fields.name) - \(code)")
            + suffix + "." + format.fileExtension
        return "inline; filename=\"\(asciiName)\"; filename*=UTF-8''\(percentEncoded(unicodeName))"
    }

    /// RFC 8187 `value-chars`: `attr-char` kept, every other byte as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        let attrChars = Set("!#$&+-.^_`|~".utf8)
        var out = ""
        for byte in text.utf8 {
            let isAlnum =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if isAlnum || attrChars.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
