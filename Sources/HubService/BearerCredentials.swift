import Hummingbird

extension Request {
    /// The credentials of an RFC 6750 bearer token (`Authorization: Bearer <token>`, the scheme
    /// in any case, RFC 9110, 11.1); nil when the header is missing or names another scheme.
    /// What the hub's sync and organizer routes read their tokens from.
    var bearerCredentials: String? {
        let parts = (headers[.authorization] ?? "").split(separator: " ", maxSplits: 1).map(String.init)
        return parts.count == 2 && parts[0].lowercased() == "bearer" ? parts[1] : nil
    }
}
