import Foundation
import KioskTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Bytes on a TCP socket, for requests no HTTP client would send.
enum RawHTTP {
    /// Sends `request` to 127.0.0.1:`port` and returns what the server answers within `timeout`.
    /// The blocking socket calls run on a thread of their own: on one of Swift's few shared task
    /// threads they could starve the very server under test that they wait for.
    static func exchange(port: Int, _ request: Data, timeout: Int = 5) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try blockingExchange(port: port, request, timeout: timeout) })
            }
        }
    }

    private static func blockingExchange(port: Int, _ request: Data, timeout: Int) throws -> String {
        let fd = try LoopbackConnection.connect(port: port)
        defer { close(fd) }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            answer.append(contentsOf: buffer[0..<count])
            if answer.count > 64 * 1024 { break }
        }
        return String(decoding: answer, as: UTF8.self)
    }

    /// What a paced exchange saw: the server's bytes, how many of the paced pieces went out before
    /// the server answered or closed, and whether it closed the connection (rather than the wait
    /// ending at the timeout).
    struct Paced: Sendable {
        let answer: String
        let piecesSent: Int
        let closedByServer: Bool
    }

    /// Sends `pieces` to 127.0.0.1:`port` one at a time, `interval` seconds apart, as a slow client
    /// does, and stops sending when the server closes or, if `stopWhenAnswered`, answers; then
    /// reads until the server closes or `timeout` seconds pass. On a thread of its own, like
    /// ``exchange``.
    static func paced(
        port: Int, _ pieces: [Data], interval: Double, stopWhenAnswered: Bool = true, timeout: Int = 30
    ) async throws -> Paced {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try blockingPaced(
                            port: port, pieces, interval: interval, stopWhenAnswered: stopWhenAnswered,
                            timeout: timeout)
                    })
            }
        }
    }

    /// `text` as one piece per byte: a client that trickles.
    static func bytes(_ text: String) -> [Data] { text.utf8.map { Data([$0]) } }

    private static func blockingPaced(
        port: Int, _ pieces: [Data], interval: Double, stopWhenAnswered: Bool, timeout: Int
    ) throws -> Paced {
        let fd = try LoopbackConnection.connect(port: port)
        defer { close(fd) }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var sent = 0
        var closed = false
        /// Waits up to `milliseconds` for bytes; reads them. False once the server closed.
        func read(waiting milliseconds: Int32) -> Bool {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, milliseconds) > 0 else { return true }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else {
                closed = true
                return false
            }
            answer.append(contentsOf: buffer[0..<count])
            return true
        }
        for piece in pieces {
            let ok = piece.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
            guard ok else { break }
            sent += 1
            guard read(waiting: Int32(interval * 1000)), answer.isEmpty || !stopWhenAnswered else { break }
        }
        let limit = Date().addingTimeInterval(Double(timeout))
        while !closed, Date() < limit, answer.count < 64 * 1024 {
            guard read(waiting: 100) else { break }
        }
        return Paced(answer: String(decoding: answer, as: UTF8.self), piecesSent: sent, closedByServer: closed)
    }
}
