import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP port held for the service from before its links are made until the process ends, for
/// `--port 0`: certificate links name the port before the server binds it.
///
/// The reservation is a socket bound to port 0 with `SO_REUSEADDR` and never listening. The server
/// (which binds with `SO_REUSEADDR` too) may bind and listen on the same port, while no other
/// process's `bind` and no outgoing connection's ephemeral port can take it in between (Linux
/// `inet_csk_get_port`). A port merely found free and released could be taken before the bind.
public final class PortReservation: Sendable {
    /// The reserved port.
    public let port: Int
    private let descriptor: Int32

    /// Reserves a free port on `host` (an IPv4 address; `0.0.0.0` or empty: every address).
    /// - Throws: `POSIXError` when no socket can be opened or bound (`EADDRNOTAVAIL`: not an
    ///   address of this machine).
    public init(host: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr(host == "0.0.0.0" || host.isEmpty ? "0.0.0.0" : host)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            close(fd)
            throw error
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
