import Foundation
import Hummingbird

extension Request {
    /// The credentials of the `Authorization` field when its scheme is `scheme` (compared in any
    /// case, RFC 9110, 11.1), trimmed; nil when the field is missing or names another scheme.
    /// - Parameter scheme: lower case, e.g. `bearer` (RFC 6750) or `basic` (RFC 7617).
    public func authorizationCredentials(scheme: String) -> String? {
        let parts = (headers[.authorization] ?? "").split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].lowercased() == scheme else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// An RFC 6750 bearer token (`Authorization: Bearer <token>`): what the hub's sync and
    /// organizer routes and the event's organizer routes read their tokens from.
    public var bearerCredentials: String? { authorizationCredentials(scheme: "bearer") }

    /// The password of HTTP Basic authentication (RFC 7617: base64 of `user:password`, UTF-8),
    /// whatever the user name: how a browser gives an organizer token to a page without tools.
    public var basicPassword: String? {
        guard let credentials = authorizationCredentials(scheme: "basic"),
            let data = Data(base64Encoded: credentials), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return String(text[text.index(after: colon)...])
    }
}
