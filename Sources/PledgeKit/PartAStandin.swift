// PART-A-STANDIN: compile-only stand-in for part A's codes API (parts14.md, "Codes"); the lead
// deletes this file at merge. Not a real implementation: no MAC, no hash.
public struct SyncToken: Sendable {
    public var text: String
    public var codeTag: String
    public var codeKey: [UInt8]
    public var storageHash: String { text }
    public init(parsing text: String) throws(PledgeError) {
        let parts = text.split(separator: ".")
        guard parts.count == 3, parts[0] == "kmm1" else { throw PledgeError(.invalidRequest, vi: "token", en: "token") }
        self.text = text
        codeTag = String(parts[1])
        codeKey = Array(parts[2].utf8)
    }
    public static func random(tag: String) -> SyncToken {
        try! SyncToken(parsing: "kmm1.\(tag).\(CertificateCode.random().rawValue)")
    }
}

public struct CodeIssuer: Sendable {
    let tag: String
    public init(tag: String, key: [UInt8]) { self.tag = tag }
    public func newCode() -> CertificateCode { CertificateCode.random() }
    public func issued(_ code: CertificateCode) -> Bool { false }
}

extension CertificateCode {
    public var codeTag: String? { rawValue.count == 27 ? String(rawValue.prefix(4)) : nil }
    public static func randomTag() -> String { String(CertificateCode.random().rawValue.prefix(4)) }
}
