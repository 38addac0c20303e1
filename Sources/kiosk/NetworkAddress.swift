import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// This machine's addresses, for certificate links that a phone on the same network can open.
enum NetworkAddress {
    /// The host to put in links: the listening address itself when it is a specific one, else the
    /// first IPv4 address of an interface that is up and not loopback (a private LAN address
    /// first), else 127.0.0.1.
    static func reachableHost(listeningOn host: String) -> String {
        if !["0.0.0.0", "::", ""].contains(host) { return hostInURL(host) }
        let addresses = lanIPv4Addresses()
        return addresses.first(where: isPrivate) ?? addresses.first ?? "127.0.0.1"
    }

    /// `host` as a URL writes it: an IPv6 address in brackets (RFC 3986, 3.2.2), `[::1]`.
    static func hostInURL(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    static func isPrivate(_ address: String) -> Bool {
        let parts = address.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return false }
        return parts[0] == 10 || (parts[0] == 172 && (16...31).contains(parts[1]))
            || (parts[0] == 192 && parts[1] == 168)
    }

    /// IPv4 addresses of interfaces that are up and not loopback. The corresponding C function is
    /// `getifaddrs(3)`.
    static func lanIPv4Addresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [String] = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            let flags = Int32(entry.pointee.ifa_flags)
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                flags & Int32(IFF_UP) != 0, flags & Int32(IFF_LOOPBACK) == 0
            else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST
            ) == 0 {
                result.append(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return result
    }
}
