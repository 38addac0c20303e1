import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A download that must be written whole before it is sent (XLSX, a ZIP file): written in a new
/// owner-only folder (mode 0700) under the temporary directory, then opened, and its name and its
/// folder removed at once, so its bytes (names of signers, perhaps) stay readable through
/// ``handle`` only and vanish with it; no file is left behind, whatever happens after.
public final class DetachedFile: Sendable {
    /// Open for reading at the start of the file; closed when this value goes.
    public let handle: FileHandle
    /// The file's size in bytes (a `Content-Length`).
    public let bytes: Int

    /// Runs `write` with a path (`<folder>/<name>`) in a new folder under `temporaryDirectory`
    /// (default: `$TMPDIR` or `/tmp`), then detaches what it wrote there.
    /// - Throws: ``ExportError`` when the folder cannot be made, what `write` throws, or
    ///   Foundation's error when `write` left no file to open; the folder and all in it are
    ///   removed in every case.
    public init(
        name: String, temporaryDirectory: String = NSTemporaryDirectory(), _ write: (String) async throws -> Void
    ) async throws {
        var template = Array((temporaryDirectory + "/kiosk-export-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else {
            throw ExportError("cannot make a folder in \(temporaryDirectory): \(String(cString: strerror(errno)))")
        }
        let folder = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/" + name
        try await write(path)
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        bytes = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
    }

    /// Reads the next piece of at most `size` bytes; nil at the end of the file.
    public func read(upTo size: Int = 1 << 16) throws -> [UInt8]? {
        guard let data = try handle.read(upToCount: size), !data.isEmpty else { return nil }
        return Array(data)
    }

    deinit { try? handle.close() }
}
