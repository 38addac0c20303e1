import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 connection on a raw loopback socket, for requests no HTTP client sends: sent in
/// pieces, kept alive and used later (for example while the server can accept no new
/// connection), or read until the server closes. Every call blocks: run it with ``offPool(_:)``.
public final class LoopbackConnection: @unchecked Sendable {
    private var fd: Int32

    public init(port: Int) throws {
        fd = try Self.connect(port: port)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A blocking TCP socket connected to 127.0.0.1:`port`.
    /// - Throws: `POSIXError` when it cannot be made or connected.
    public static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED
            Glibc.close(fd)
            throw POSIXError(code)
        }
        return fd
    }

    /// Sends `text` as it is (a request, or a piece of one).
    /// - Throws: `POSIXError(.EPIPE)` when not all of it could be sent.
    public func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// Sends `request` (a whole HTTP/1.1 request) and reads one answer framed by its
    /// Content-Length. - Returns: the status and the body; status 0 when the connection ended first.
    public func exchange(_ request: String) -> (status: Int, body: String) {
        try? send(request)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                let body = Array(text[end.upperBound...].utf8)
                if body.count >= length {
                    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
                    return (status, String(decoding: body.prefix(length), as: UTF8.self))
                }
            }
            let read = recv(fd, &buffer, buffer.count, 0)
            guard read > 0 else { return (0, text) }
            received += buffer[0..<read]
        }
    }

    /// Everything the peer sends until it closes, or until `timeout` seconds pass.
    public func readToEnd(timeout: Int) -> String {
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// Half-closes the connection (`shutdown(SHUT_WR)`): the peer reads the end of the requests,
    /// and its answers can still be read.
    public func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
