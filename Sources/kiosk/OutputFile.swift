import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a command's output file.
enum OutputFile {
    /// Writes `bytes` to `path`. A regular file (or a new one) is replaced atomically: written
    /// beside it, then renamed, so an interrupted write never leaves half a file. Anything else
    /// that exists there (a symlink, a FIFO, a device such as /dev/stdout) is written through, never
    /// replaced. Every failed write is an error, so a full disk is not reported as success.
    /// - Parameter personal: the bytes hold personal data (a name): the file is readable and
    ///   writable by its owner only (0600), whatever the umask, and so is a regular file written
    ///   through a link.
    static func write(_ bytes: [UInt8], to path: String, personal: Bool = false) throws {
        guard !path.isEmpty else { throw CLIError("--output needs a file name") }
        // attributesOfItem does not follow a symlink (lstat(2)), so a link is seen as a link.
        if let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType {
            if type == .typeDirectory { throw CLIError("cannot write \(path): it is a folder") }
            if type != .typeRegular {
                // A link to a regular file: that file is made private too; a FIFO or a device is left as it is.
                let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                let regular = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType
                return try writeThrough(
                    bytes, to: path, personal: personal, makePrivate: personal && regular == .typeRegular)
            }
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let temporary = "\(folder)/.\(URL(fileURLWithPath: path).lastPathComponent).\(getpid()).partial"
        do {
            try writeThrough(bytes, to: temporary, create: true, personal: personal)
            guard rename(temporary, path) == 0 else { throw CLIError("cannot write \(path): \(errorText())") }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// - Parameter makePrivate: set the mode of the open file to 0600 (an existing file keeps its
    ///   own otherwise; a new one gets 0600 or 0644, less the umask).
    private static func writeThrough(
        _ bytes: [UInt8], to path: String, create: Bool = false, personal: Bool, makePrivate: Bool = false
    ) throws {
        let flags = O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_EXCL : O_TRUNC)
        let fd = open(path, flags, personal ? 0o600 : 0o644)
        guard fd >= 0 else { throw CLIError("cannot write \(path): \(errorText())") }
        defer { close(fd) }
        // Before the first byte is written.
        if makePrivate, fchmod(fd, 0o600) != 0 { throw CLIError("cannot make \(path) private: \(errorText())") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw CLIError("cannot write \(path): \(errorText())") }
            offset += written
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
