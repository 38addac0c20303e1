import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Server-Sent Events viewers (one or many), each a raw loopback socket that sent
/// `GET /live/events`, read together with poll(2): the one SSE client of the tests. Every call
/// blocks: run them with ``offPool(_:)``, never on Swift's cooperative pool, which the service
/// under test needs.
public final class SSEClients: @unchecked Sendable {
    private var sockets: [Int32] = []
    /// What each stream has received (its newest 64 KiB), and whether it holds the text waited for.
    private var tails: [String]
    private var matched: [Bool]
    private var ended: [Bool]
    private var wanted = ""

    /// Connects `count` viewers to 127.0.0.1:`port` and sends each its request.
    /// - Throws: `POSIXError` when a socket cannot be made or connected.
    public init(port: Int, count: Int, path: String = "/live/events") throws {
        tails = Array(repeating: "", count: count)
        matched = Array(repeating: false, count: count)
        ended = Array(repeating: false, count: count)
        let request = Data("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n".utf8)
        do {
            for _ in 0..<count {
                let fd = try LoopbackConnection.connect(port: port)
                sockets.append(fd)
                _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
        } catch {
            close()
            throw error
        }
    }

    /// Reads every stream until at least `count` of them have received `text` (in their newest
    /// kilobytes), or until `timeout` seconds pass, or until no stream is left open.
    /// - Returns: how many streams have received `text`.
    public func wait(untilAtLeast count: Int, contain text: String, timeout: Double) -> Int {
        if text != wanted {
            wanted = text
            for index in tails.indices { matched[index] = tails[index].contains(text) }
        }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while matched.count(where: { $0 }) < count, Date() < deadline, ended.contains(false) {
            var polled = sockets.enumerated().filter { !ended[$0.offset] }.map {
                pollfd(fd: $0.element, events: Int16(POLLIN), revents: 0)
            }
            let ready = poll(&polled, nfds_t(polled.count), 100)
            guard ready > 0 else { continue }
            for entry in polled where entry.revents != 0 {
                guard let index = sockets.firstIndex(of: entry.fd) else { continue }
                let read = recv(entry.fd, &buffer, buffer.count, 0)
                guard read > 0 else {
                    ended[index] = true
                    continue
                }
                tails[index] += String(decoding: buffer[0..<read], as: UTF8.self)
                if tails[index].contains(text) { matched[index] = true }
                if tails[index].utf8.count > 128 * 1024 { tails[index] = String(tails[index].suffix(64 * 1024)) }
            }
        }
        return matched.count(where: { $0 })
    }

    /// What stream `index` has received, its answer's head first (its newest 64 KiB once longer).
    public func received(_ index: Int = 0) -> String { tails[index] }

    /// How many streams the server has closed.
    public var endedCount: Int { ended.count(where: { $0 }) }

    /// Closes every socket.
    public func close() {
        for fd in sockets { Glibc.close(fd) }
        sockets.removeAll()
    }

    deinit { close() }
}
