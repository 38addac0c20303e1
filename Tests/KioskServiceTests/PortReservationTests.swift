import Foundation
import ServerHardening
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--port 0`: the port picked for the certificate links is held until the server binds it (CI
/// once saw another test's process take a port found free and released before the bind).
@Suite("Port reservation")
struct PortReservationTests {
    @Test func aReservedPortIsRefusedToOthersAndTakenByTheServer() throws {
        let reservation = try PortReservation(host: "127.0.0.1")
        #expect(reservation.port > 0)

        // A bind without SO_REUSEADDR (and an outgoing connection's ephemeral port): refused.
        #expect(Self.bind(port: reservation.port, reuseAddress: false).error == EADDRINUSE)
        // A server binding with SO_REUSEADDR (as Hummingbird does) and listening: taken.
        let server = Self.bind(port: reservation.port, reuseAddress: true, listen: true)
        defer { close(server.fd) }
        #expect(server.error == nil)
        // Port 0 (another `--port 0` service's reservation) is never answered with it.
        for _ in 0..<2_000 {
            let other = Self.bind(port: 0, reuseAddress: true)
            #expect(other.port != reservation.port)
            close(other.fd)
        }
    }

    /// `--host ::1` (and names): the reservation is made on the address the server binds (it was
    /// an IPv4 bind of 255.255.255.255 for anything but an IPv4 literal: it held nothing).
    @Test func anIPv6OrNamedHostIsReservedOnItsOwnAddress() throws {
        let named = try PortReservation(host: "localhost")
        #expect(named.port > 0)
        guard let reservation = try? PortReservation(host: "::1") else { return }  // no IPv6 loopback here
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = UInt16(reservation.port).bigEndian
        address.sin6_addr = in6addr_loopback
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
        #expect(bound != 0 && errno == EADDRINUSE)
    }

    /// A port named (the terminal guard holding the one `--port 0` picked across restarts).
    @Test func aNamedPortIsHeldToo() throws {
        let first = try PortReservation(host: "127.0.0.1")
        let held = try PortReservation(host: "0.0.0.0", port: first.port)
        #expect(held.port == first.port)
        #expect(Self.bind(port: first.port, reuseAddress: false).error == EADDRINUSE)
    }

    @Test func anAddressOfAnotherMachineIsAnError() {
        #expect(throws: POSIXError.self) { try PortReservation(host: "192.0.2.1") }
    }

    /// Binds a TCP socket on 127.0.0.1; the error is errno, nil when it bound (and listened).
    private static func bind(
        port: Int, reuseAddress: Bool, listen: Bool = false
    ) -> (fd: Int32, port: Int, error: Int32?) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        if reuseAddress { setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let error = errno
            close(fd)
            return (-1, 0, error)
        }
        if listen, Glibc.listen(fd, 8) != 0 {
            let error = errno
            close(fd)
            return (-1, 0, error)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)), nil)
    }
}
