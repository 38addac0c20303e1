/// One stored pledge as an export reads it: the columns of the export, text as the UTF-8 bytes
/// stored in the database.
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
