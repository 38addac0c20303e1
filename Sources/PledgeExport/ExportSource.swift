import PledgeKit

/// An event store's organizer service with its export rows: what the event service's organizer
/// routes read.
public protocol ExportSource: OrganizerService, ExportRows {}

/// The rows of a pledge export, read straight from the store's statement: the one seam between
/// a store and the export (B4 in BENCHMARKS.md: a million-row export as fast as `sqlite3 -csv`).
/// The event's store implements it over its database, the hub's over an organizer's scope;
/// ``Exporter`` reads it.
public protocol ExportRows: BreakdownSource {
    /// Reads up to `limit` pledges in the order they were stored, after the one at `cursor`
    /// (nil: from the start), and folds each into `output` with `append`, one after another, as
    /// it is read: a page of a million-row export makes no value and no String per pledge, and
    /// memory stays flat however many pledges there are. The name, school and code are read only
    /// when `includePersonalData` is true (nil in the record otherwise).
    func exportPage<Output: Sendable>(
        after cursor: Int64?, limit: Int, includePersonalData: Bool, into output: Output,
        _ append: @Sendable (inout Output, ExportRecord) -> Void
    ) async throws(PledgeError) -> ExportPage<Output>
}

/// One stored pledge as an export reads it: the columns of the export, text as the UTF-8 bytes
/// stored in the database (the store hands them over without a String each: ``ExportSource``).
///
/// The buffers are borrowed from the row being read and are valid only inside the call that
/// hands the record over; copy what must outlive it. Text is what the store validated and
/// normalized to NFC when the pledge was recorded.
public struct ExportRecord {
    public var number: Int
    public var eventID: UnsafeBufferPointer<UInt8>
    public var kioskID: UnsafeBufferPointer<UInt8>
    /// When the pledge was signed: whole seconds since 1970-01-01T00:00:00Z.
    public var createdAt: Int
    /// ``AgeBand/rawValue``: `12-15`, `16-17`, `18-24`, `25-plus` or `unknown`.
    public var ageBand: UnsafeBufferPointer<UInt8>
    /// ``Province/name``; nil when the signer gave none.
    public var province: UnsafeBufferPointer<UInt8>?
    public var guardianConsent: Bool
    /// Personal data, read only when asked for: nil when not asked for, erased or not given.
    public var name: UnsafeBufferPointer<UInt8>?
    public var school: UnsafeBufferPointer<UInt8>?
    /// ``CertificateCode/rawValue``; nil when personal data was not asked for.
    public var code: UnsafeBufferPointer<UInt8>?

    public init(
        number: Int, eventID: UnsafeBufferPointer<UInt8>, kioskID: UnsafeBufferPointer<UInt8>, createdAt: Int,
        ageBand: UnsafeBufferPointer<UInt8>, province: UnsafeBufferPointer<UInt8>?, guardianConsent: Bool,
        name: UnsafeBufferPointer<UInt8>? = nil, school: UnsafeBufferPointer<UInt8>? = nil,
        code: UnsafeBufferPointer<UInt8>? = nil
    ) {
        self.number = number
        self.eventID = eventID
        self.kioskID = kioskID
        self.createdAt = createdAt
        self.ageBand = ageBand
        self.province = province
        self.guardianConsent = guardianConsent
        self.name = name
        self.school = school
        self.code = code
    }
}

/// One page of an export: what ``ExportRows/exportPage(after:limit:includePersonalData:into:_:)``
/// folded its pledges into, how many there were, and the cursor of the next page.
public struct ExportPage<Output: Sendable>: Sendable {
    public var output: Output
    public var rows: Int
    /// Give to ``ExportRows/exportPage(after:limit:includePersonalData:into:_:)`` for the
    /// next page; nil: no more.
    public var next: Int64?
    public init(output: Output, rows: Int, next: Int64?) {
        self.output = output
        self.rows = rows
        self.next = next
    }
}
