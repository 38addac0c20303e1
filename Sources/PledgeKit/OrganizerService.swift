import Foundation

/// What organizers may ask of the pledges: counts by any dimension, the export rows, kiosk
/// status, and erasure of a signer's personal data. The store implements it; the HTTP service
/// offers it behind the organizer token.
public protocol OrganizerService: Sendable {
    /// Counts over every event in the database, grouped by `dimensions` (none: the total only).
    func breakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown

    /// ``breakdown(by:)`` as the public may see it (``PublicCounts``).
    /// - Throws: ``PledgeError`` `invalid-request` (field `by`) for a combination that could
    ///   single out a signer (``CountDimension/publicCombinationError(_:)``).
    func publicBreakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown

    /// The total of each event, largest first.
    func eventTotals() async throws(PledgeError) -> [EventTotal]

    /// Every kiosk that has taken a pledge.
    func kioskActivity() async throws(PledgeError) -> [KioskActivity]

    /// Reads up to `limit` pledges in the order they were stored, after the one at `cursor`
    /// (nil: from the start), and folds each into `output` with `append`, one after another, as
    /// it is read: a page of a million-row export makes no value and no String per pledge, and
    /// memory stays flat however many pledges there are. The name, school and code are read only
    /// when `includePersonalData` is true (nil in the record otherwise).
    func exportPage<Output: Sendable>(
        after cursor: Int64?, limit: Int, includePersonalData: Bool, into output: Output,
        _ append: @Sendable (inout Output, ExportRecord) -> Void
    ) async throws(PledgeError) -> ExportPage<Output>

    /// Erases the name and school of the pledge with this code (Decree 13/2023/NĐ-CP, Art. 16:
    /// deletion on request); counts are unchanged, and the name's bytes leave the database files
    /// before it returns. Returns false when no pledge has the code.
    func erasePersonalData(code: CertificateCode) async throws(PledgeError) -> Bool
}

/// One page of an export: what ``OrganizerService/exportPage(after:limit:includePersonalData:into:_:)``
/// folded its pledges into, how many there were, and the cursor of the next page.
public struct ExportPage<Output: Sendable>: Sendable {
    public var output: Output
    public var rows: Int
    /// Give to ``OrganizerService/exportPage(after:limit:includePersonalData:into:_:)`` for the
    /// next page; nil: no more.
    public var next: Int64?
    public init(output: Output, rows: Int, next: Int64?) {
        self.output = output
        self.rows = rows
        self.next = next
    }
}
