import Foundation

/// What an export wrote, saved beside it as `<file>.manifest.json`, so whoever receives the
/// file can check it is whole (SHA-256, FIPS 180-4) and see how it was made, including whether
/// it carries personal data (Decree 13/2023/NĐ-CP asks that processing be traceable).
public struct ExportManifest: Codable, Sendable, Equatable {
    public var file: String
    public var kind: String
    public var format: ExportFormat
    public var delimiter: String?
    public var rows: Int
    public var bytes: Int
    public var sha256: String
    public var includePersonalData: Bool
    /// Other parameters: the dimensions and k of a counts export, the event of the store.
    public var parameters: [String: String]
    /// ISO 8601, UTC.
    public var createdAt: String

    public static func path(for file: String) -> String { file + ".manifest.json" }

    public func write(beside file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try ExportFile.writeAtomically(try encoder.encode(self) + Data("\n".utf8), to: Self.path(for: file))
    }
}
