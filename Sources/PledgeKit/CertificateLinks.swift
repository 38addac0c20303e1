import Foundation

/// Builds the certificate link that goes into a QR code.
///
/// Scheme and host are case-insensitive (RFC 3986, 3.1 and 3.2.2) and the service routes `/C/`
/// like `/c/` with codes in any case, so the link is written in capitals: then every character is
/// in QR's alphanumeric mode and a link on a base URL of up to 30 characters fits a version 3
/// symbol at level M (ISO/IEC 18004, Table 7: 61 alphanumeric characters).
public struct CertificateLinks: Hashable, Sendable {
    /// The base URL as given, without a trailing slash, e.g. `http://192.168.1.20:8080`.
    public let baseURL: String
    /// The base URL with scheme and authority in capitals; any path is kept as given.
    public let qrBaseURL: String

    /// - Throws: ``PledgeError`` `invalid-request` when `baseURL` is not `http://` or `https://`
    ///   followed by a host.
    public init(baseURL: String) throws(PledgeError) {
        var base = baseURL.trimmingWhitespace()
        while base.hasSuffix("/") { base.removeLast() }
        let lower = base.lowercased()
        guard let schemeEnd = lower.range(of: "://"),
            ["http", "https"].contains(lower[..<schemeEnd.lowerBound]),
            base[schemeEnd.upperBound...].first.map({ $0 != "/" }) ?? false
        else {
            throw PledgeError(
                .invalidRequest, field: "publicBaseURL",
                vi: "Địa chỉ gốc công khai phải bắt đầu bằng http:// hoặc https:// và có tên máy: \(baseURL)",
                en: "The public base URL must start with http:// or https:// and name a host: \(baseURL)"
            )
        }
        // A link is pasted after this base: a query, a fragment, white space or non-ASCII would
        // break every certificate link.
        guard base.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }),
            !base.contains("?"), !base.contains("#")
        else {
            throw PledgeError(
                .invalidRequest, field: "publicBaseURL",
                vi: "Địa chỉ gốc công khai không được có khoảng trắng, ký tự ngoài ASCII, '?' hay '#': \(baseURL)",
                en: "The public base URL must not contain spaces, non-ASCII characters, '?' or '#': \(baseURL)"
            )
        }
        let afterScheme = base[schemeEnd.upperBound...]
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        self.baseURL = base
        self.qrBaseURL = base[..<pathStart].uppercased() + base[pathStart...]
    }

    /// The exact text of the certificate QR: `HTTP://HOST:PORT/C/CODE`.
    public func certificateURL(for code: CertificateCode) -> String {
        "\(qrBaseURL)/C/\(code.rawValue)"
    }

    /// The address of the page listing safety resources.
    public var resourcesURL: String { "\(baseURL)/resources" }
}

extension String {
    /// The text without the whitespace (`Character.isWhitespace`) at either end.
    public func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
