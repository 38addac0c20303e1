import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 connection on a raw loopback socket, for requests no HTTP client sends: sent in
/// pieces, kept alive and used later (for example while the server can accept no new
/// connection), or read until the server closes. Every call blocks: run it with ``offPool(_:)``,
/// or use ``LoopbackHTTP``, which does. The one raw HTTP client of the tests.
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
        try send(Data(text.utf8))
    }

    /// Sends `bytes` as they are.
    /// - Throws: `POSIXError(.EPIPE)` when not all of them could be sent.
    public func send(_ bytes: Data) throws {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// Sends `request` (a whole HTTP/1.1 request) and reads one answer framed by its
    /// Content-Length, leaving the connection open for the next one.
    /// - Returns: the answer; status 0 and what was read as the body when the connection ended first.
    public func exchange(_ request: String) -> HTTPAnswer {
        try? send(request)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if let end = HTTPAnswer.endOfHead(in: received), let answer = HTTPAnswer(parsing: Data(received)) {
                let length = answer.headers["content-length"].flatMap { Int($0) } ?? 0
                if received.count - end - 4 >= length { return answer }
            }
            let read = recv(fd, &buffer, buffer.count, 0)
            guard read > 0 else { return HTTPAnswer(status: 0, headers: [:], body: Data(received)) }
            received += buffer[0..<read]
        }
    }

    /// Everything the peer sends until it closes, or until `timeout` seconds pass, or (when
    /// `limit` is given) until that many bytes have come.
    public func readToEnd(timeout: Int, limit: Int = .max) -> String {
        String(decoding: read(timeout: timeout, limit: limit).bytes, as: UTF8.self)
    }

    /// What ``readToEnd(timeout:limit:)`` reads, and whether the peer closed the connection
    /// (rather than the wait ending at the timeout or the limit).
    public func read(timeout: Int, limit: Int = .max) -> (bytes: Data, closedByPeer: Bool) {
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while answer.count < limit {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return (answer, count == 0) }
            answer.append(contentsOf: buffer[0..<count])
        }
        return (answer, false)
    }

    /// Waits up to `milliseconds` for bytes and appends them to `answer`.
    /// - Returns: false once the peer has closed the connection.
    func poll(into answer: inout Data, waiting milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&descriptor, 1, milliseconds) > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return false }
        answer.append(contentsOf: buffer[0..<count])
        return true
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
