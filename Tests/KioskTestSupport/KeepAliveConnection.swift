import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 keep-alive connection on a raw loopback socket: opened early, used later (for
/// example while the server can accept no new connection). Every call blocks: run it with
/// ``offPool(_:)``.
public final class KeepAliveConnection: @unchecked Sendable {
    private var fd: Int32

    public init(port: Int) throws {
        fd = try SSEClients.connect(port: port)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends `request` (a whole HTTP/1.1 request) and reads one answer framed by its
    /// Content-Length. - Returns: the status and the body; status 0 when the connection ended first.
    public func exchange(_ request: String) -> (status: Int, body: String) {
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
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

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
