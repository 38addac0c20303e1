import Foundation

/// The bytes of an SQLite database as they are on disk: the main file and its WAL (`-wal`),
/// read as they are, while the database may still be open.
public enum DatabaseFiles {
    /// Which of `texts` (their UTF-8 bytes) are still in the `.sqlite` or the `-wal` file at
    /// `path`, each as "file: text". A missing WAL counts as empty.
    public static func leftovers(of texts: [String], database path: String) throws -> [String] {
        let main = try Data(contentsOf: URL(fileURLWithPath: path))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data()
        var found: [String] = []
        for text in texts where !text.isEmpty {
            if main.range(of: Data(text.utf8)) != nil { found.append(".sqlite: \(text.debugDescription)") }
            if wal.range(of: Data(text.utf8)) != nil { found.append("-wal: \(text.debugDescription)") }
        }
        return found
    }
}
