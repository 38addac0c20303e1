import Foundation

/// HTTP/1.1 requests to 127.0.0.1 on a ``LoopbackConnection`` (a raw socket), awaited off Swift's
/// cooperative pool: a blocking read on one of its few threads could starve the very service
/// under test, in the same process, that it waits for.
public enum LoopbackHTTP {
    /// One request on a connection of its own, with `Host` and `Connection: close` (and
    /// `Content-Length` when there is a body) added; its answer, read until the server closes.
    /// Redirects are not followed. `timeout` (seconds) only bounds a broken server's hang.
    /// - Throws: `POSIXError` when the connection cannot be made; `LoopbackHTTPError` when no
    ///   whole answer came.
    public static func request(
        port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil,
        timeout: Int = 60
    ) async throws -> HTTPAnswer {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        let request = Data((head + "\r\n").utf8) + (body ?? Data())
        let raw = try await offPool {
            let connection = try LoopbackConnection(port: port)
            defer { connection.close() }
            // The server may answer (413, 408) and close before the whole body is sent.
            try? connection.send(request)
            return connection.read(timeout: timeout).bytes
        }
        guard let answer = HTTPAnswer(parsing: raw, bodyless: method == "HEAD") else {
            throw LoopbackHTTPError(method: method, path: path, received: raw)
        }
        return answer
    }

    /// Sends `request` as it is on a connection of its own and returns what the server sends
    /// until it closes, `timeout` seconds pass, or 64 KiB have come.
    public static func exchange(port: Int, _ request: Data, timeout: Int = 30) async throws -> String {
        try await offPool {
            let connection = try LoopbackConnection(port: port)
            defer { connection.close() }
            try connection.send(request)
            return connection.readToEnd(timeout: timeout, limit: 64 * 1024)
        }
    }

    /// What a paced exchange saw: the server's bytes, how many of the paced pieces went out before
    /// the server answered or closed, and whether it closed the connection (rather than the wait
    /// ending at the timeout).
    public struct Paced: Sendable {
        public let answer: String
        public let piecesSent: Int
        public let closedByServer: Bool
    }

    /// Sends `pieces` one at a time, `interval` seconds apart, as a slow client does, and stops
    /// sending when the server closes or, if `stopWhenAnswered`, answers; then reads until the
    /// server closes or `timeout` seconds pass.
    public static func paced(
        port: Int, _ pieces: [Data], interval: Double, stopWhenAnswered: Bool = true, timeout: Int = 30
    ) async throws -> Paced {
        try await offPool {
            let connection = try LoopbackConnection(port: port)
            defer { connection.close() }
            var answer = Data()
            var sent = 0
            var open = true
            for piece in pieces {
                guard (try? connection.send(piece)) != nil else { break }
                sent += 1
                open = connection.poll(into: &answer, waiting: Int32(interval * 1000))
                guard open, answer.isEmpty || !stopWhenAnswered else { break }
            }
            let limit = Date().addingTimeInterval(Double(timeout))
            while open, Date() < limit, answer.count < 64 * 1024 {
                open = connection.poll(into: &answer, waiting: 100)
            }
            return Paced(answer: String(decoding: answer, as: UTF8.self), piecesSent: sent, closedByServer: !open)
        }
    }

    /// `text` as one piece per byte: a client that trickles.
    public static func bytes(_ text: String) -> [Data] { text.utf8.map { Data([$0]) } }
}

/// No whole HTTP answer came back from a request of ``LoopbackHTTP``.
public struct LoopbackHTTPError: Error, CustomStringConvertible {
    public let method: String
    public let path: String
    public let received: Data
    public var description: String {
        "\(method) \(path): no whole HTTP answer in \(received.count) bytes: \(String(decoding: received.prefix(300), as: UTF8.self))"
    }
}
