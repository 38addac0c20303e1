import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock(2)` on a file, held until the process exits (or the lock is released):
/// one service per database. The kernel releases it when the process ends in any way (a
/// SIGKILL, a power cut of the process), so a stale lock never outlives its holder.
public final class ExclusiveFileLock: Sendable {
    /// The locked file.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock on `path` (created, owner-only, when missing) without waiting.
    /// - Throws: `POSIXError` `EWOULDBLOCK` when another process holds it; another `POSIXError`
    ///   when the file cannot be opened.
    public init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            close(fd)
            throw error
        }
        self.path = path
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Whether `error` (from ``init(path:)``) means another process holds the lock.
    public static func isHeldElsewhere(_ error: any Error) -> Bool {
        (error as? POSIXError)?.code == .EWOULDBLOCK
    }
}
