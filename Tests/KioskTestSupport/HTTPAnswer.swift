import Foundation

/// One HTTP/1.1 answer as a client reads it: the status, the header fields (names lower-cased,
/// repeated fields joined with ", ") and the body, framed by Content-Length or chunked transfer
/// coding (RFC 9112, 6), or running to the end of the connection.
public struct HTTPAnswer: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var contentType: String { headers["content-type"] ?? "" }

    /// The body as a JSON object (an empty one when it is another JSON value).
    /// - Throws: the error of `JSONSerialization` when the body is not JSON.
    public func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
    }

    /// The first answer in `raw`, the bytes a server sent on one connection.
    /// - Parameter bodyless: the answer to a HEAD request, which has no body whatever its
    ///   Content-Length says (RFC 9110, 9.3.2).
    /// - Returns: nil when `raw` does not hold a whole status line and header block.
    public init?(parsing raw: Data, bodyless: Bool = false) {
        let bytes = [UInt8](raw)
        guard let end = Self.endOfHead(in: bytes) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        let rest = Array(bytes[(end + 4)...])
        let body: [UInt8]
        if bodyless || status == 204 || status == 304 || (100..<200).contains(status) {
            body = []
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = Self.dechunked(rest)
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            body = Array(rest.prefix(length))
        } else {
            body = rest
        }
        self.init(status: status, headers: headers, body: Data(body))
    }

    /// The index of the blank line (CR LF CR LF) that ends the header block.
    static func endOfHead(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first {
            bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10
        }
    }

    /// The data of a chunked body (chunk extensions and trailer fields dropped).
    static func dechunked(_ bytes: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        var index = 0
        while let lineEnd = (index..<max(index, bytes.count - 1)).first(where: {
            bytes[$0] == 13 && bytes[$0 + 1] == 10
        }) {
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            body += bytes[start..<min(start + size, bytes.count)]
            index = start + size + 2
            guard index < bytes.count else { break }
        }
        return body
    }
}
