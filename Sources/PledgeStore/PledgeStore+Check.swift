import Foundation
import GRDB
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// Why ``PledgeStore/check(path:depth:)`` refused a database file.
public struct DatabaseDamage: Error, Sendable, CustomStringConvertible {
    /// What is wrong, as words that follow the file's name ("is empty (0 bytes)…").
    public let problem: Localized<String>
    /// Whether the bytes themselves are wrong (empty, not SQLite, damaged), as opposed to a file
    /// that could not be read here (permissions, a read-only file system, not a regular file).
    public let isDamaged: Bool
    public var description: String { problem.en }

    init(vi: String, en: String, isDamaged: Bool = true) {
        problem = Localized(vi: vi, en: en)
        self.isDamaged = isDamaged
    }

    static func unreadable(vi: String, en: String) -> Self { Self(vi: vi, en: en, isDamaged: false) }
}

extension PledgeStore {
    /// How thoroughly ``check(path:depth:)`` reads a database.
    public enum CheckDepth: Sendable {
        /// `PRAGMA quick_check`: every page and b-tree, without matching indexes to their tables
        /// (what every start-up runs).
        case quick
        /// `PRAGMA integrity_check`: also every index against its table (`kiosk check --full`).
        case full

        var pragma: String {
            switch self {
            case .quick: "quick_check"
            case .full: "integrity_check"
            }
        }
    }

    /// Checks that the file at `path` is a whole, undamaged SQLite database, without changing a
    /// byte of it: before the store opens it read-write (which sets WAL mode and migrates).
    ///
    /// In order: a zero-length file (what an interrupted copy leaves) is refused; then the 16-byte
    /// header must read "SQLite format 3\0" (sqlite.org/fileformat.html, 1.3); then `PRAGMA
    /// quick_check` (or `integrity_check`) on a read-only connection must answer "ok". A read-only
    /// connection never writes the main file (it neither checkpoints nor rolls back); it may
    /// create or update the `-shm` index of a `-wal` left by a crash, so that its pages are read.
    /// - Throws: ``DatabaseDamage``, saying what was wrong.
    public static func check(path: String, depth: CheckDepth = .quick) throws(DatabaseDamage) {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw DatabaseDamage.unreadable(
                    vi: "không phải tệp thường (\(attributes[.type] as? FileAttributeType ?? .typeUnknown))",
                    en: "is not a regular file (\(attributes[.type] as? FileAttributeType ?? .typeUnknown))")
            }
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch let damage as DatabaseDamage {
            throw damage
        } catch {
            throw DatabaseDamage.unreadable(
                vi: "không đọc được (\(error.localizedDescription))",
                en: "cannot be read (\(error.localizedDescription))")
        }
        if size == 0 {
            throw DatabaseDamage(
                vi: "rỗng (0 byte), như khi một lần sao chép bị ngắt giữa chừng",
                en: "is empty (0 bytes), as an interrupted copy leaves a file")
        }
        guard access(path, R_OK) == 0 else {
            throw DatabaseDamage.unreadable(vi: "không mở được để đọc", en: "cannot be opened for reading")
        }
        guard hasSQLiteHeader(path) else {
            throw DatabaseDamage(
                vi: "không phải cơ sở dữ liệu SQLite (16 byte đầu không phải \"SQLite format 3\\0\"; \(size) byte)",
                en: "is not an SQLite database (its first 16 bytes are not \"SQLite format 3\\0\"; \(size) bytes)")
        }
        let findings: [String]
        do {
            let queue = try readOnlyQueue(path, label: "check")
            defer { try? queue.close() }
            findings = try queue.read { db in
                // At most 10 findings: enough to say what is wrong.
                try String.fetchAll(db, sql: "PRAGMA \(depth.pragma)(10)")
            }
        } catch let error as DatabaseError {
            let words = "SQLite: \(error.message ?? "\(error.resultCode)")"
            // Only these say the bytes are wrong; the rest (CANTOPEN, READONLY, PERM, BUSY, IOERR
            // on a read-only file system that cannot hold the -shm index…) say it could not be read.
            guard [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) else {
                throw DatabaseDamage.unreadable(
                    vi: "không đọc được (\(words))", en: "cannot be read (\(words))")
            }
            throw DatabaseDamage(vi: "bị hỏng (\(words))", en: "is damaged (\(words))")
        } catch {
            throw DatabaseDamage.unreadable(vi: "không kiểm tra được (\(error))", en: "cannot be checked (\(error))")
        }
        guard findings == ["ok"] else {
            let words = "PRAGMA \(depth.pragma): \(findings.joined(separator: "; "))"
            throw DatabaseDamage(vi: "bị hỏng (\(words))", en: "is damaged (\(words))")
        }
    }

    /// Whether the file at `path` begins with the 16-byte header of every SQLite database,
    /// "SQLite format 3\0" (sqlite.org/fileformat.html, 1.3); false when it cannot be read.
    static func hasSQLiteHeader(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        var header = [UInt8](repeating: 0, count: 16)
        let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 16) }
        return count == 16 && header == Array("SQLite format 3\0".utf8)
    }

    /// A read-only connection to the database at `path` that waits out a writer's brief locks as
    /// the store does (``busyTimeout``): it never writes the main file.
    static func readOnlyQueue(_ path: String, label: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = label
        configuration.busyMode = .timeout(busyTimeout)
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
