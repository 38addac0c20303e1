import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    /// HTTPTypes moves the first `Host` line into ``HTTPRequest/authority``; any other stays here.
    static let host = HTTPField.Name("Host")!
}

/// Refuses, with `refusal` (the service's 400), a request without a `Host` field, with more than
/// one, or with a value that is not `host[:port]` (RFC 9112, 3.2; RFC 3986, 3.2.2).
///
/// The RFC obliges a server to refuse only HTTP/1.1 requests without `Host`; this refuses
/// HTTP/1.0 ones too. Every client in use (browsers, curl, URLSession, wrk, probes) sends `Host`
/// whatever its version, one rule is simpler to state and test, and the HTTP version is not
/// visible past NIO's decoder (HTTPTypes' `HTTPRequest` has none).
public struct HostFieldMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Thrown for a request refused.
    let refusal: any Error & Sendable

    public init(refusal: any Error & Sendable) {
        self.refusal = refusal
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        guard let host = request.head.authority, request.headers[values: .host].isEmpty, Self.isValid(host) else {
            throw refusal
        }
        return try await next(request, context)
    }

    /// `uri-host [":" port]`: a registered name (unreserved, sub-delims, percent), an IPv4 address,
    /// or an IP literal in brackets; an empty value is allowed (RFC 9112, 3.2).
    static func isValid(_ host: String) -> Bool {
        var name = Substring(host)
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("]") {
            // RFC 3986's port is any run of digits; one past 65535 names no TCP port (RFC 9293).
            let port = name[name.index(after: colon)...]
            guard port.allSatisfy(\.isASCIIDigit), port.isEmpty || (port.count <= 5 && Int(port)! <= 65535) else {
                return false
            }
            name = name[..<colon]
        }
        if name.hasPrefix("[") {
            return name.hasSuffix("]") && name.count > 2
                && name.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || "-._~%!$&'()*+,;=".utf8.contains(byte)
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
