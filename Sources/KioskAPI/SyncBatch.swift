import Foundation

/// The body of `POST /api/sync/batches` at the hub: a run of an event's outbox rows with
/// consecutive sequences, sent with the event's sync token as a bearer token.
///
/// `{"event": string, "rows": [SyncRow], "erasuresSeen": int, "erasuresSeenCode": string?}`. The hub applies the whole batch in
/// one transaction or none of it, idempotently (a replayed row changes nothing), and answers
/// ``SyncAcknowledgement``. A batch with no rows asks only for the acknowledgement (the hub's
/// certificate base and its erasures).
public struct SyncBatch: StrictlyDecodable, Encodable, Sendable, Equatable {
    /// The event the rows belong to; must be the token's event.
    public var event: String
    /// Rows in ascending, consecutive sequence.
    public var rows: [SyncRow]
    /// The cursor of the last hub erasure the event has applied (0: none), so the hub answers
    /// only newer ones.
    public var erasuresSeen: Int
    /// The code of that erasure (absent with none, or from an event before it was sent), so a
    /// hub restored from a backup, which numbers its erasures again, is found out: when its
    /// erasure at `erasuresSeen` is not this code, it answers every erasure from the first.
    public var erasuresSeenCode: String?

    public static let members: Set<String> = ["event", "rows", "erasuresSeen", "erasuresSeenCode"]
    /// The most rows in one batch; a larger batch is refused with 413.
    public static let maximumRows = 500
    /// The largest body the hub reads, in bytes (1 MiB); a larger one is refused with 413.
    public static let maximumBytes = 1 << 20
    /// The largest sequence a row may have (2^53, the largest integer every JSON reader keeps
    /// exact); sequences are from 1.
    public static let maximumSequence = 1 << 53

    public init(event: String, rows: [SyncRow], erasuresSeen: Int, erasuresSeenCode: String? = nil) {
        self.event = event
        self.rows = rows
        self.erasuresSeen = erasuresSeen
        self.erasuresSeenCode = erasuresSeenCode
    }
}

/// One outbox row of an event: its sequence (from 1, per event database, never reused for another
/// change while the database lives) and exactly one change.
///
/// `{"sequence": int, "pledge": SyncPledge}`, `{"sequence": int, "erasure": SyncErasure}`,
/// `{"sequence": int, "purge": SyncPurge}` or `{"sequence": int, "held": SyncHeld}`.
public struct SyncRow: Codable, Sendable, Equatable {
    public var sequence: Int
    public var pledge: SyncPledge?
    public var erasure: SyncErasure?
    public var purge: SyncPurge?
    /// A row the hub refused for good, kept at the event and shown to its organizer: it keeps its
    /// sequence so the rows after it arrive without a gap.
    public var held: SyncHeld?

    public init(sequence: Int, pledge: SyncPledge) {
        self.sequence = sequence
        self.pledge = pledge
    }

    public init(sequence: Int, erasure: SyncErasure) {
        self.sequence = sequence
        self.erasure = erasure
    }

    public init(sequence: Int, purge: SyncPurge) {
        self.sequence = sequence
        self.purge = purge
    }

    public init(sequence: Int, held: SyncHeld) {
        self.sequence = sequence
        self.held = held
    }

    /// Whether the row carries exactly one change.
    public var isWellFormed: Bool {
        [pledge != nil, erasure != nil, purge != nil, held != nil].filter { $0 }.count == 1
    }
}

/// A pledge as the hub keeps it: what its certificate page and its counts need, no school and no
/// search keys. Dates are RFC 3339 in UTC with milliseconds.
public struct SyncPledge: Codable, Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var kiosk: String
    /// The pledge's number in its event, from 1.
    public var number: Int
    /// NFC; null when anonymous or erased.
    public var name: String?
    public var ageBand: String
    /// The province's name, or null.
    public var province: String?
    public var guardianConsent: Bool
    public var createdAt: String

    public init(
        id: UUID, code: String, kiosk: String, number: Int, name: String?, ageBand: String, province: String?,
        guardianConsent: Bool, createdAt: String
    ) {
        self.id = id
        self.code = code
        self.kiosk = kiosk
        self.number = number
        self.name = name
        self.ageBand = ageBand
        self.province = province
        self.guardianConsent = guardianConsent
        self.createdAt = createdAt
    }
}

/// The name of the pledge with `code` was erased (by its signer or an organizer) at `erasedAt`.
public struct SyncErasure: Codable, Sendable, Equatable {
    public var code: String
    public var erasedAt: String

    public init(code: String, erasedAt: String) {
        self.code = code
        self.erasedAt = erasedAt
    }
}

/// Names of the event's pledges made before `createdBefore` were purged at `purgedAt` (the
/// retention limit of Decree 13/2023/NĐ-CP).
public struct SyncPurge: Codable, Sendable, Equatable {
    public var createdBefore: String
    public var purgedAt: String

    public init(createdBefore: String, purgedAt: String) {
        self.createdBefore = createdBefore
        self.purgedAt = purgedAt
    }
}

/// Why the hub refused a row for good (its words, Vietnamese then English).
public struct SyncHeld: Codable, Sendable, Equatable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// The hub's answer to a ``SyncBatch`` (200), sent only after the batch's transaction committed:
/// `{"acknowledged": int, "certificateBaseUrl": string, "erasures": [HubErasure], "erasuresAfter": int}`.
public struct SyncAcknowledgement: Codable, Sendable, Equatable {
    /// The highest sequence of this event the hub has committed (0: none); the event marks its
    /// rows up to it sent.
    public var acknowledged: Int
    /// The base of every certificate link, e.g. `https://khongmotminh.vn`.
    public var certificateBaseUrl: String
    /// Erasures made at the hub for this event's pledges after the batch's `erasuresSeen`,
    /// oldest first.
    public var erasures: [HubErasure]
    /// The cursor `erasures` follow: the batch's `erasuresSeen`, or 0 when the hub does not hold
    /// that erasure with the code the batch names (its erasures were numbered again: restored from
    /// a backup); then the event applies every erasure listed and sends its own erasures again.
    /// Absent from a hub before it was sent.
    public var erasuresAfter: Int?

    public init(acknowledged: Int, certificateBaseUrl: String, erasures: [HubErasure], erasuresAfter: Int? = nil) {
        self.acknowledged = acknowledged
        self.certificateBaseUrl = certificateBaseUrl
        self.erasures = erasures
        self.erasuresAfter = erasuresAfter
    }
}

/// An erasure made at the hub (the signer, from the certificate page at the official domain).
public struct HubErasure: Codable, Sendable, Equatable {
    /// Increases with each erasure at the hub; the event sends the last it applied as `erasuresSeen`.
    public var cursor: Int
    public var code: String
    public var erasedAt: String

    public init(cursor: Int, code: String, erasedAt: String) {
        self.cursor = cursor
        self.code = code
        self.erasedAt = erasedAt
    }
}

/// A row of a refused batch and why (in the `refused` member of a 422 problem detail): nothing of
/// the batch was applied; the event holds these rows and sends the others again.
public struct SyncRefusedRow: Codable, Sendable, Equatable {
    public var sequence: Int
    public var field: String?
    public var detail: String

    public init(sequence: Int, field: String?, detail: String) {
        self.sequence = sequence
        self.field = field
        self.detail = detail
    }
}

extension APIPath {
    /// The hub's ingest route (relative to the hub's URL).
    public static let syncBatches = "api/sync/batches"
}

/// The rows of a batch are read as strictly as its top level (``StrictlyDecodable``): a member a
/// row does not have is refused, so a misspelt one (`"pledg"`, `"nmae"`) is an error and never a
/// silent loss of what it carried.
extension SyncRow {
    public init(from decoder: any Decoder) throws {
        try decoder.refuseMembers(besides: ["sequence", "pledge", "erasure", "purge", "held"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decode(Int.self, forKey: .sequence)
        pledge = try container.decodeIfPresent(SyncPledge.self, forKey: .pledge)
        erasure = try container.decodeIfPresent(SyncErasure.self, forKey: .erasure)
        purge = try container.decodeIfPresent(SyncPurge.self, forKey: .purge)
        held = try container.decodeIfPresent(SyncHeld.self, forKey: .held)
    }
}

extension SyncPledge {
    public init(from decoder: any Decoder) throws {
        try decoder.refuseMembers(besides: [
            "id", "code", "kiosk", "number", "name", "ageBand", "province", "guardianConsent", "createdAt",
        ])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        code = try container.decode(String.self, forKey: .code)
        kiosk = try container.decode(String.self, forKey: .kiosk)
        number = try container.decode(Int.self, forKey: .number)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        ageBand = try container.decode(String.self, forKey: .ageBand)
        province = try container.decodeIfPresent(String.self, forKey: .province)
        guardianConsent = try container.decode(Bool.self, forKey: .guardianConsent)
        createdAt = try container.decode(String.self, forKey: .createdAt)
    }
}

extension SyncErasure {
    public init(from decoder: any Decoder) throws {
        try decoder.refuseMembers(besides: ["code", "erasedAt"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        erasedAt = try container.decode(String.self, forKey: .erasedAt)
    }
}

extension SyncPurge {
    public init(from decoder: any Decoder) throws {
        try decoder.refuseMembers(besides: ["createdBefore", "purgedAt"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        createdBefore = try container.decode(String.self, forKey: .createdBefore)
        purgedAt = try container.decode(String.self, forKey: .purgedAt)
    }
}

extension SyncHeld {
    public init(from decoder: any Decoder) throws {
        try decoder.refuseMembers(besides: ["reason"])
        reason = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .reason)
    }
}

/// Any member name, to list the members an object has.
private struct MemberName: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws `DecodingError.dataCorrupted` at the first member of this object not in `known`.
    func refuseMembers(besides known: Set<String>) throws {
        let members = try container(keyedBy: MemberName.self).allKeys
        if let unknown = members.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [unknown],
                    debugDescription: "\(StrictJSON.shown(unknown.stringValue)) is not a member here"))
        }
    }
}
