import PledgeKit

/// `Content-Disposition` for a certificate document (RFC 6266), with an ASCII `filename` for old
/// clients and the Vietnamese name in `filename*` (RFC 8187, UTF-8, percent-encoded).
public enum DocumentFileName {
    /// e.g. `inline; filename="giay-chung-nhan-nguyen-thi-anh-7KQ2MX4P9TZAB3CD.pdf";
    /// filename*=UTF-8''Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20nh%E1%BA%ADn%20-%20...pdf`.
    public static func contentDisposition(_ fields: CertificateFields, format: CertificateFormat) -> String {
        let suffix = format == .printPNG ? "-a4" : ""
        let ascii = DownloadName.asciiSlug(fields.isAnonymous ? "" : fields.name)
        let code = fields.code.rawValue
        let asciiName =
            ["giay-chung-nhan", String(ascii.prefix(40)), code].filter { !$0.isEmpty }
            .joined(separator: "-") + suffix + "." + format.fileExtension
        let unicodeName =
            (fields.isAnonymous ? "Giấy chứng nhận - \(code)" : "Giấy chứng nhận - \(fields.name) - \(code)")
            + suffix + "." + format.fileExtension
        return DownloadName.contentDisposition("inline", ascii: asciiName, unicode: unicodeName)
    }
}
