import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file being exported: bytes go to a temporary file beside the target, hashed with SHA-256
/// as they are written; ``commit()`` syncs it and renames it over the target, so an export that
/// is interrupted never leaves a partial file at the output path (rename(2) is atomic).
///
/// Not Sendable on purpose: one export writes from one task.
public final class ExportFile {
    public let path: String
    /// Where bytes go until ``commit()``: `.<name>.partial-<pid>` in the same folder.
    public let temporaryPath: String
    private let handle: FileHandle
    private var hasher = SHA256()
    private var buffer: [UInt8] = []
    public private(set) var bytes = 0
    private var committed = false

    /// The partial file of the export running now, removed if the process is interrupted.
    public nonisolated(unsafe) static var current: String?

    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        self.path = url.path
        temporaryPath =
            url.deletingLastPathComponent().appendingPathComponent(
                ".\(url.lastPathComponent).partial-\(getpid())"
            ).path
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil) else {
            throw ExportError("cannot create \(temporaryPath)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporaryPath))
        Self.current = temporaryPath
    }

    public func write(_ data: [UInt8]) throws {
        hasher.update(data: data)
        bytes += data.count
        // A page of an export is already large: written as it is, not copied into the buffer.
        if buffer.isEmpty && data.count >= 1 << 16 {
            try handle.write(contentsOf: data)
            return
        }
        buffer += data
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Counts and hashes the bytes a library wrote at ``temporaryPath`` through the path itself
    /// (libxlsxwriter: ``XLSXEncoder``), reading them back in 1 MiB pieces, so ``commit()``
    /// returns their SHA-256 as for bytes given to ``write(_:)``, which must not have been called.
    public func adoptWrittenFile() throws {
        guard bytes == 0, buffer.isEmpty else { throw ExportError("\(temporaryPath) was written twice") }
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: temporaryPath))
        defer { try? reader.close() }
        while let piece = try reader.read(upToCount: 1 << 20), !piece.isEmpty {
            hasher.update(data: piece)
            bytes += piece.count
        }
    }

    /// Flushes, syncs and renames the file into place; returns the SHA-256 of its bytes in hex.
    public func commit() throws -> String {
        try flush()
        try handle.synchronize()
        try handle.close()
        guard rename(temporaryPath, path) == 0 else {
            throw ExportError("cannot move the export to \(path): \(String(cString: strerror(errno)))")
        }
        committed = true
        Self.current = nil
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    deinit {
        if !committed {
            try? handle.close()
            unlink(temporaryPath)
            if Self.current == temporaryPath { Self.current = nil }
        }
    }

    /// Writes `data` to `path` through a temporary file and a rename.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let file = try ExportFile(path: path)
        try file.write(Array(data))
        _ = try file.commit()
    }
}

/// An export that could not be written; the message says what and where.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
