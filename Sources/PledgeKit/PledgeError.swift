/// Why a pledge, or a request about one, was refused. One error type for the pledge domain.
///
/// Equality is by ``code``: the messages are for people, the code is for programs. The HTTP
/// service turns it into an RFC 9457 problem detail; the front shows ``message``.
public struct PledgeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable reason.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let nameEmpty = Code(rawValue: "name-empty")
        public static let nameTooLong = Code(rawValue: "name-too-long")
        public static let forbiddenCharacter = Code(rawValue: "forbidden-character")
        public static let schoolEmpty = Code(rawValue: "school-empty")
        public static let schoolTooLong = Code(rawValue: "school-too-long")
        public static let unknownAgeBand = Code(rawValue: "unknown-age-band")
        public static let unknownProvince = Code(rawValue: "unknown-province")
        public static let guardianConsentRequired = Code(rawValue: "guardian-consent-required")
        public static let invalidIdempotencyKey = Code(rawValue: "invalid-idempotency-key")
        public static let idempotencyKeyReused = Code(rawValue: "idempotency-key-reused")
        public static let invalidRequest = Code(rawValue: "invalid-request")
        /// A body of a media type the route does not read (HTTP 415).
        public static let unsupportedMediaType = Code(rawValue: "unsupported-media-type")
        public static let notFound = Code(rawValue: "not-found")
        public static let unavailable = Code(rawValue: "unavailable")
        /// The database file was deleted, moved or replaced while the service had it open: nothing
        /// is acknowledged until the service is restarted on a database at its path.
        public static let databaseGone = Code(rawValue: "database-gone")
        /// A front proposed a certificate code that another pledge already has.
        public static let certificateCodeTaken = Code(rawValue: "certificate-code-taken")
        /// One kiosk sent pledges faster than the service allows.
        public static let rateLimited = Code(rawValue: "rate-limited")
        /// A pledge from a phone without a presence code the event showed lately (``PresenceCodes``).
        public static let presenceRequired = Code(rawValue: "presence-required")
        /// A name or school given after the event's retention deadline (`retainPersonalDataUntil`):
        /// the event no longer keeps personal data; the signer can pledge anonymously.
        public static let personalDataNoLongerKept = Code(rawValue: "personal-data-no-longer-kept")
        /// A national hub's sync token that is not of the shape `kiosk hub add-event` prints (``SyncToken``).
        public static let invalidSyncToken = Code(rawValue: "invalid-sync-token")
    }

    public let code: Code
    /// The request field at fault (`name`, `ageBand`, …), when there is one.
    public let field: String?
    /// What was wrong, in Vietnamese and English, fit to show an attendee.
    public let message: Localized<String>

    public init(_ code: Code, field: String? = nil, vi: String, en: String) {
        self.code = code
        self.field = field
        self.message = Localized(vi: vi, en: en)
    }

    public static func == (lhs: PledgeError, rhs: PledgeError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(message.en)" }
}
