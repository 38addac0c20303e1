import Foundation
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// How the service comes to its database at a path (``PledgeStore/serviceOpening(path:newDatabase:)``).
public enum ServiceOpening: Sendable, Equatable {
    /// A file is at the path: check it (``PledgeStore/check(path:depth:)``), then open it.
    case existing
    /// No file, and the first use of the path or a new database on purpose: make it
    /// (``PledgeStore/createDatabase(path:eventID:kioskID:links:)``).
    case create
}

/// Why the service's database at a path is neither opened nor made; each case holds what its
/// message needs (the command line words it).
public enum ServiceOpeningRefusal: Error, Sendable, Equatable {
    /// A new database was asked for, but one is at the path: it is never replaced.
    case newDatabaseOverExisting
    /// Copies a service wrote when it found the database gone are beside the path (their
    /// paths): the file now at the path may lack pledges they hold.
    case rescuedCopiesBeside([String])
    /// No file at the path, but ``DatabaseMarker/evidence()`` (the texts) shows one was there:
    /// deleted or moved. Starting would begin the event again at number 1.
    case missing(evidence: [String])
    /// A `-wal` or `-shm` file (its path) is there without its database: SQLite would replay a
    /// `-wal` left without its database into the new file.
    case leftoverWithoutDatabase(String)
}

extension PledgeStore {
    /// The first-use rule of the service's database: an existing file is used (never replaced,
    /// and not while rescued copies lie beside it); a missing one is made only on the first use of
    /// its path (no ``DatabaseMarker`` and no rescued copy) or when `newDatabase` says so, and
    /// never over a `-wal` or `-shm` left at the path.
    /// - Throws: ``ServiceOpeningRefusal`` naming what stands in the way.
    public static func serviceOpening(
        path: String, newDatabase: Bool
    ) throws(ServiceOpeningRefusal) -> ServiceOpening {
        let marker = DatabaseMarker(database: path)
        if FileManager.default.fileExists(atPath: path) {
            if newDatabase { throw .newDatabaseOverExisting }
            let rescued = marker.rescuedCopies()
            // The file at the path may lack what the copy holds (its -wal was deleted, or it is
            // an older file put back): going on would hand out numbers and codes again.
            if !rescued.isEmpty { throw .rescuedCopiesBeside(rescued) }
            return .existing
        }
        let evidence = marker.evidence()
        if !evidence.isEmpty && !newDatabase { throw .missing(evidence: evidence) }
        for leftover in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + leftover) {
            throw .leftoverWithoutDatabase(path + leftover)
        }
        return .create
    }

    /// Makes a new, empty database (migrated, this event's) under a hidden temporary name beside
    /// `path` and links it into place when complete, so an interrupted first start never leaves an
    /// empty or half-made file at the path; link(2) never replaces a file. The new name is synced
    /// before this returns. Its folder must exist.
    /// - Returns: false when a file appeared at the path meanwhile (another start made it): that
    ///   one is left as it is, for the caller to check like any existing database.
    /// - Throws: the store's error when the database cannot be made, ``StoreError`` when it cannot
    ///   be linked into place.
    public static func createDatabase(
        path: String, eventID: String, kioskID: String, links: CertificateLinks
    ) throws -> Bool {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).creating-\(getpid())").path
        func removeTemporary() {
            for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        removeTemporary()
        defer { removeTemporary() }
        let store = try PledgeStore(path: temporary, eventID: eventID, defaultKioskID: kioskID, links: links)
        try store.close()
        let linked = link(temporary, path) == 0
        if !linked {
            guard errno == EEXIST else { throw StoreError(reason: String(cString: strerror(errno))) }
        }
        // The new name is durable before the marker says the database exists.
        try? syncFolder(of: path)
        return linked
    }
}
