import Foundation

/// A small hidden file beside a database, `.<name>.created`, written when `kiosk serve` or
/// `kiosk run` made the database (or first opened one made before markers): while it is there, a
/// missing database is known to have been deleted or moved, not to be the first use of its path
/// (``PledgeStore/serviceOpening(path:newDatabase:)``). It holds the database's file name, the
/// event id and when it was made (UTC, ISO 8601), as `key: value` lines.
public struct DatabaseMarker: Sendable {
    /// The database's path.
    public let database: String

    public init(database: String) {
        self.database = database
    }

    /// The marker's path: `.<name>.created` in the database's folder.
    public var path: String {
        let url = URL(fileURLWithPath: database)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).created").path
    }

    /// What says the database existed here, one text each: the marker's lines, rescued copies
    /// beside its path, and rescued copies of its name in ``PledgeStore/rescueFallbackFolders``.
    /// Empty: nothing says so (the first use of the path).
    public func evidence() -> [String] {
        var found: [String] = []
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let facts = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: ", ")
            found.append("\(path) says it was made here (\(facts))")
        }
        let rescued = rescuedCopies()
        if !rescued.isEmpty {
            found.append("rescued copies: " + rescued.joined(separator: ", "))
        }
        let elsewhere = rescuedCopies(in: PledgeStore.rescueFallbackFolders)
        if !elsewhere.isEmpty {
            // Written there when none could be written beside the database (a full disk).
            found.append("rescued copies of a file of that name elsewhere: " + elsewhere.joined(separator: ", "))
        }
        return found
    }

    /// The paths of the copies a service wrote when it found this database gone
    /// (`<name>.rescued-<time>`, ``DatabaseGone``), sorted.
    /// - Parameter folders: where to look; nil: the database's own folder.
    public func rescuedCopies(in folders: [String]? = nil) -> [String] {
        copies(named: ".rescued-", in: folders)
    }

    /// The paths of the files beside the database named `<name><infix>…`, sorted: `.rescued-`
    /// (``rescuedCopies(in:)``), `.before-restore-` (what `kiosk restore --replace` set aside).
    public func copies(named infix: String, in folders: [String]? = nil) -> [String] {
        let url = URL(fileURLWithPath: database)
        return (folders ?? [url.deletingLastPathComponent().path]).flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasPrefix(url.lastPathComponent + infix) }.sorted()
                .map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
        }
    }

    /// Writes the marker (atomically: a temporary file renamed, then the folder synced) when there
    /// is none, or over an old one when `replacing` (a new database on purpose).
    /// - Throws: Foundation's error when the file cannot be written.
    public func writeIfMissing(eventID: String, replacing: Bool, now: Date = Date()) throws {
        if !replacing && FileManager.default.fileExists(atPath: path) { return }
        let text = """
            # Written by kiosk when it made \(URL(fileURLWithPath: database).lastPathComponent) in this folder.
            # While this file is here, `kiosk serve` and `kiosk run` refuse to start without that
            # database (it was deleted or moved) unless given --new-database.
            database: \(URL(fileURLWithPath: database).lastPathComponent)
            event: \(eventID)
            created: \(ISO8601DateFormatter().string(from: now))

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try? PledgeStore.syncFolder(of: path)
    }
}
