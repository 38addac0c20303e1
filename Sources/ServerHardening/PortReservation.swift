import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP port held for the service from before its links are made until the process ends, for
/// `--port 0`: certificate links name the port before the server binds it.
///
/// The reservation is a socket bound with `SO_REUSEADDR` and never listening. The server (which
/// binds with `SO_REUSEADDR` too, as Hummingbird does) may bind and listen on the same port,
/// while a bind without `SO_REUSEADDR` (most programs', and `bind` to port 0) and an outgoing
/// connection's ephemeral port cannot take it (Linux `inet_csk_get_port`). A program that binds
/// the port by number with `SO_REUSEADDR` still can. A port merely found free and released could
/// be taken by anyone before the bind.
public final class PortReservation: Sendable {
    /// The reserved port.
    public let port: Int
    private let descriptor: Int32

    /// Reserves `port` (0: a free one) on `host`: an IPv4 or IPv6 address (`0.0.0.0`, `::`,
    /// `::1`) or a name the resolver knows (`localhost`), as the server will bind it; empty:
    /// every IPv4 address.
    /// - Throws: `POSIXError` when the host does not resolve (`EADDRNOTAVAIL`), or no socket can
    ///   be opened or bound (`EADDRNOTAVAIL`: not an address of this machine; `EADDRINUSE`).
    public init(host: String, port: Int = 0) throws {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host.isEmpty ? "0.0.0.0" : host, String(port), &hints, &found) == 0, let first = found
        else { throw POSIXError(.EADDRNOTAVAIL) }
        defer { freeaddrinfo(found) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            close(fd)
            throw error
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset, in network byte order.
        let bound = withUnsafeBytes(of: &address) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
        descriptor = fd
        self.port = Int(bound)
    }

    deinit { close(descriptor) }
}
