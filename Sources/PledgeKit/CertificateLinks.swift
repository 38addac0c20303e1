import Foundation
import Synchronization

/// Builds the certificate link that goes into a QR code.
///
/// Scheme and host are case-insensitive (RFC 3986, 3.1 and 3.2.2) and the service routes `/C/`
/// like `/c/` with codes in any case, so the link is written in capitals: then every character is
/// in QR's alphanumeric mode and a link on a base URL of up to 30 characters fits a version 3
/// symbol at level M (ISO/IEC 18004, Table 7: 61 alphanumeric characters).
///
/// Links made with ``following(_:)`` read their base from a ``CertificateBaseOverride`` while it
/// holds one: an event linked to the national hub switches every link to the hub's base once the
/// hub has told it (``CertificateBaseOverride/set(_:)``), without a restart.
public struct CertificateLinks: Hashable, Sendable {
    /// The base as given to ``init(baseURL:)``.
    private let own: Base
    /// When set and holding a base, that base wins over ``own``.
    private let override: CertificateBaseOverride?

    struct Base: Hashable, Sendable {
        var baseURL: String
        var qrBaseURL: String
        /// ``CertificateLinks/domain``, found once (every certificate page shows it).
        var domain: String

        init(baseURL: String, qrBaseURL: String) {
            self.baseURL = baseURL
            self.qrBaseURL = qrBaseURL
            var rest = baseURL[...]
            if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
            let authority = rest.prefix { $0 != "/" }
            let hostPort = authority.split(separator: "@").last ?? authority
            self.domain = hostPort.lowercased()
        }
    }

    private var current: Base { override?.base ?? own }

    /// The base URL as given, without a trailing slash, e.g. `http://192.168.1.20:8080`.
    public var baseURL: String { current.baseURL }
    /// The base URL with scheme and authority in capitals; any path is kept as given.
    public var qrBaseURL: String { current.qrBaseURL }
    /// The host (and port, when there is one) of the base URL in small letters: what a person
    /// should see in the address bar, e.g. `khongmotminh.vn` or `192.168.1.20:8080`.
    public var domain: String { current.domain }

    /// Whether the links point to the machine that opens them (`localhost`, 127.0.0.0/8, `::1`):
    /// a phone that scans such a code opens itself, never this service.
    public var pointToLoopback: Bool {
        var host = domain
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return Self.isLoopback(host: host)
    }

    /// Whether `host` (a name or an address, IPv6 without brackets) names this machine:
    /// `localhost`, 127.0.0.0/8 or `::1`.
    public static func isLoopback(host: String) -> Bool {
        host.lowercased() == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// These links on the base they were made with, whatever the hub says: the event's own
    /// address, where phones at the venue reach its pledge flow.
    public var ownBase: CertificateLinks { CertificateLinks(own: own, override: nil) }

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
        own = Base(baseURL: base, qrBaseURL: base[..<pathStart].uppercased() + base[pathStart...])
        override = nil
    }

    fileprivate init(own: Base, override: CertificateBaseOverride?) {
        self.own = own
        self.override = override
    }

    /// These links, with their base replaced by `override`'s whenever it holds one.
    public func following(_ override: CertificateBaseOverride) -> CertificateLinks {
        CertificateLinks(own: own, override: override)
    }

    /// Equal when they make the same links now.
    public static func == (a: CertificateLinks, b: CertificateLinks) -> Bool { a.current == b.current }

    public func hash(into hasher: inout Hasher) { hasher.combine(current) }

    /// The exact text of the certificate QR: `HTTP://HOST:PORT/C/CODE`.
    public func certificateURL(for code: CertificateCode) -> String {
        "\(qrBaseURL)/C/\(code.rawValue)"
    }

    /// The address of the page listing safety resources.
    public var resourcesURL: String { "\(baseURL)/resources" }
}

/// A certificate base that replaces the base of the links following it (``CertificateLinks/following(_:)``)
/// from the moment it is set: the national hub's, which a linked event learns from the hub's
/// acknowledgements and keeps in its database, so a restart uses it before the hub answers again.
public final class CertificateBaseOverride: Sendable {
    private let stored = Mutex<CertificateLinks.Base?>(nil)

    public init() {}

    /// The base now in force; nil: the links' own.
    public var links: CertificateLinks? {
        stored.withLock { $0 }.map { CertificateLinks(own: $0, override: nil) }
    }

    var base: CertificateLinks.Base? { stored.withLock { $0 } }

    /// From now on, links following this override use `links`'s base.
    public func set(_ links: CertificateLinks) {
        let base = CertificateLinks.Base(baseURL: links.baseURL, qrBaseURL: links.qrBaseURL)
        stored.withLock { $0 = base }
    }
}

extension String {
    /// The text without the whitespace (`Character.isWhitespace`) at either end.
    public func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
