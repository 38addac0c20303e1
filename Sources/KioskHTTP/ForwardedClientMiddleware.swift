import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Behind a reverse proxy (nginx), every request comes from the proxy's address: the limits that
/// key by ``KioskRequestContext/clientAddress`` (wrong tokens, unknown codes) would count every
/// client as one. This middleware believes `X-Forwarded-For` from the configured proxies only, and
/// sets the client address to the nearest address in it that is not one of them.
///
/// The header's last entry is the one the nearest proxy added (nginx's
/// `$proxy_add_x_forwarded_for` appends the peer it saw); entries further left came from the
/// client or a farther proxy and are believed only while each one to their right is trusted. A
/// request from any other address, or whose header holds no valid IP address there, keeps its
/// connection's address: a client cannot choose its own by sending the header.
public struct ForwardedClientMiddleware: RouterMiddleware {
    public typealias Context = KioskRequestContext

    /// The proxies' addresses, normalized (``normalized(_:)``).
    let trusted: Set<String>

    /// - Parameter trustedProxies: IP addresses (IPv4 or IPv6) of the proxies in front of the
    ///   service; an empty list believes no header.
    public init(trustedProxies: [String]) {
        self.trusted = Set(trustedProxies.compactMap(Self.normalized))
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard !trusted.isEmpty, trusted.contains(context.clientAddress) else { return try await next(request, context) }
        var context = context
        context.clientAddress = Self.client(
            forwardedFor: request.headers[values: .xForwardedFor], peer: context.clientAddress, trusted: trusted)
        return try await next(request, context)
    }

    /// The client of a request from the trusted `peer` whose `X-Forwarded-For` lines are `fields`:
    /// from the right, the first entry not in `trusted`; `peer` when an entry on the way is not an
    /// IP address; the leftmost when every entry is trusted.
    static func client(forwardedFor fields: [String], peer: String, trusted: Set<String>) -> String {
        let entries = fields.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for entry in entries.reversed() {
            guard let address = normalized(entry) else { return client }
            client = address
            if !trusted.contains(address) { return address }
        }
        return client
    }

    /// `text` as `SocketAddress.ipAddress` writes it (so `::1` and `0:0::1` match), nil when it is
    /// no IP address (a host name, `unknown`). A port after it, as some load balancers write it
    /// (`192.0.2.7:8080`, `[2001:db8::7]:443`, RFC 7239's node form), is dropped: else every client
    /// behind them counted as the proxy.
    static func normalized(_ text: String) -> String? {
        guard text.utf8.count <= 64 else { return nil }
        var host = Substring(text)
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            let rest = host[host.index(after: end)...]
            guard rest.isEmpty || isPort(rest) else { return nil }
            host = host[host.index(after: host.startIndex)..<end]
        } else if let colon = host.firstIndex(of: ":"), host[host.index(after: colon)...].firstIndex(of: ":") == nil {
            guard isPort(host[colon...]) else { return nil }
            host = host[..<colon]
        }
        guard let address = (try? SocketAddress(ipAddress: String(host), port: 0))?.ipAddress else { return nil }
        return unmapped(address)
    }

    /// `:` and 1 to 5 digits.
    private static func isPort(_ text: Substring) -> Bool {
        let digits = text.dropFirst()
        return text.first == ":" && (1...5).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, RFC 4291 §2.5.5.2: how a socket bound to
    /// `::` sees an IPv4 peer) as the IPv4 address it maps; any other text as it is. Both the
    /// peer and `--trusted-proxy` go through it: a hub on `--host ::` otherwise never matched a
    /// trusted `127.0.0.1`, and every client behind the proxy shared one limit (a breaker's finding).
    public static func unmapped(_ address: String) -> String {
        guard address.hasPrefix("::ffff:"), address.contains(".") else { return address }
        let v4 = String(address.dropFirst(7))
        guard let parsed = try? SocketAddress(ipAddress: v4, port: 0), case .v4 = parsed else { return address }
        return v4
    }
}

extension ForwardedClientMiddleware {
    /// What per-address limits count by (``KioskRequestContext/limitKey``): an IPv4 address as it
    /// is; an IPv6 address as its /64 network, `2001:db8:1:2::/64`, as one subscriber's line gets
    /// a /64 or more (RFC 6177) and chooses the rest of its addresses at will (temporary
    /// addresses, RFC 8981), so counting full addresses gave each client endless budgets.
    /// Anything else ("" in tests) as it is.
    public static func limitKey(_ address: String) -> String {
        // The 16 bytes of an in6_addr (RFC 3493), in network order.
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), address.utf8.count <= 64, inet_pton(AF_INET6, address, &bytes) == 1 else {
            return address
        }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/64"
    }
}

extension HTTPField.Name {
    /// The de facto header of reverse proxies naming the clients they forward for.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
