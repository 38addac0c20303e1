import Foundation

/// What organizers may ask of the pledges: counts by any dimension, kiosk status, and erasure of a signer's personal data. The store implements it; the HTTP service
/// offers it behind the organizer token.
public protocol OrganizerService: BreakdownSource {

    /// ``breakdown(by:)`` as the public may see it (``PublicCounts``).
    /// - Throws: ``PledgeError`` `invalid-request` (field `by`) for a combination that could
    ///   single out a signer (``CountDimension/publicCombinationError(_:)``).
    func publicBreakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown

    /// The total of each event, largest first.
    func eventTotals() async throws(PledgeError) -> [EventTotal]

    /// Every kiosk that has taken a pledge.
    func kioskActivity() async throws(PledgeError) -> [KioskActivity]

    /// Erases the name and school of the pledge with this code (Decree 13/2023/NĐ-CP, Art. 16:
    /// deletion on request); counts are unchanged, and the name's bytes leave the database files
    /// before it returns. Returns false when no pledge has the code.
    func erasePersonalData(code: CertificateCode) async throws(PledgeError) -> Bool
}

/// Whatever answers exact counts grouped by dimensions: an event's store (over every event in its
/// database), or the hub within an organizer's scope.
public protocol BreakdownSource: Sendable {
    /// Exact counts grouped by `dimensions` (none: the total only, no bucket), buckets in
    /// ``BucketOrder``; they add up to the total (``Breakdown/addsUp``).
    func breakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown
}
