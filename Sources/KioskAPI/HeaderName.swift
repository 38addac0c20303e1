import PledgeKit

/// The header fields of the kiosk API, by name (field names are case-insensitive, RFC 9110, 5.1).
public enum HeaderName {
    /// The client's key of one pledge attempt (``IdempotencyKey``; IETF draft "The
    /// Idempotency-Key HTTP Header Field"): a retry with the same key gets the first receipt.
    public static let idempotencyKey = "Idempotency-Key"
    /// The kiosk a pledge was made at (``KioskID``); none: the service's own.
    public static let kioskID = "Kiosk-Id"
    /// Carries the kiosk token or the organizer token as a bearer token (RFC 6750, 2.1).
    public static let authorization = "Authorization"
    /// Seconds to wait before trying again, on 429 and 503 (RFC 9110, 10.2.3).
    public static let retryAfter = "Retry-After"
    public static let contentType = "Content-Type"
    /// After an erasure: how many of the service's backup copies were brought in line.
    public static let backupsUpdated = "Kiosk-Backups-Updated"
    /// After an erasure: how many backup copies could not be reached (0: every one was).
    public static let backupsUnreachable = "Kiosk-Backups-Unreachable"

    /// The `Authorization` value that presents `token`.
    public static func bearer(_ token: String) -> String { "Bearer \(token)" }
}

/// The paths of the kiosk API a front uses, relative to the service's base URL.
public enum APIPath {
    public static let pledges = "api/pledges"
    public static let counts = "api/counts"
    public static let kioskConfig = "api/kiosk-config"
    /// The attendant's search of this event's signers by name (a POST body: no name in a URL).
    public static let signerSearch = "api/pledges/search"
    public static func heartbeat(_ kioskID: KioskID) -> String { "api/kiosks/\(kioskID.rawValue)/heartbeat" }
}
