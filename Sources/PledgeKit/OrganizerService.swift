import Foundation

/// What organizers may ask of the pledges: counts by any dimension, the export rows, kiosk
/// status, and erasure of a signer's personal data. The store implements it; the HTTP service
/// offers it behind the organizer token.
public protocol OrganizerService: Sendable {
    /// Counts over every event in the database, grouped by `dimensions` (none: the total only).
    func breakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown

    /// The total of each event, largest first.
    func eventTotals() async throws(PledgeError) -> [EventTotal]

    /// Every kiosk that has taken a pledge.
    func kioskActivity() async throws(PledgeError) -> [KioskActivity]

    /// Up to `limit` pledges in the order they were stored, after the one at `cursor` (nil: from
    /// the start). Pages keep memory flat however many pledges there are.
    func exportPage(after cursor: Int64?, limit: Int) async throws(PledgeError) -> ExportPage

    /// Erases the name and school of the pledge with this code (Decree 13/2023/NĐ-CP, Art. 16:
    /// deletion on request); counts are unchanged. Returns false when no pledge has the code.
    func erasePersonalData(code: CertificateCode) async throws(PledgeError) -> Bool
}

/// One page of pledges for an export, with the cursor of the next page.
public struct ExportPage: Sendable {
    public var pledges: [Pledge]
    /// Give to ``OrganizerService/exportPage(after:limit:)`` for the next page; nil: no more.
    public var next: Int64?
    public init(pledges: [Pledge], next: Int64?) {
        self.pledges = pledges
        self.next = next
    }
}
