import Foundation

/// A pledge a front has shown to its signer but the service has not yet acknowledged.
public struct OutboxEntry: Hashable, Sendable {
    /// The order of entry: uploads go in this order.
    public var sequence: Int64
    public var key: IdempotencyKey
    public var draft: PledgeDraft
    public var code: CertificateCode
    public var createdAt: Date

    public init(sequence: Int64, key: IdempotencyKey, draft: PledgeDraft, code: CertificateCode, createdAt: Date) {
        self.sequence = sequence
        self.key = key
        self.draft = draft
        self.code = code
        self.createdAt = createdAt
    }
}

/// A front's durable outbox: pledges held until the service acknowledges them, and a few cached
/// settings (the certificate link base) so a front started offline still makes correct links.
/// An implementation commits before returning, and forgets a delivered pledge entirely.
public protocol PledgeOutbox: Sendable {
    /// Adds a pledge; returns its entry with its sequence number.
    func add(key: IdempotencyKey, draft: PledgeDraft, code: CertificateCode, at time: Date) async throws -> OutboxEntry
    /// The waiting pledges that can be read, oldest first; a row that cannot is kept and skipped,
    /// so it holds back none behind it.
    func waiting() async throws -> [OutboxEntry]
    /// The sequence numbers of the rows ``waiting()`` skips.
    func unreadable() async throws -> [Int64]
    /// Forgets a pledge the service acknowledged (or refused for good).
    func remove(sequence: Int64) async throws
    func waitingCount() async throws -> Int
    func setting(_ name: String) async throws -> String?
    func setSetting(_ name: String, to value: String) async throws
}
