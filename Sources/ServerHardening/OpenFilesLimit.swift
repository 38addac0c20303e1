import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`, getrlimit(2)): every live
/// viewer, kiosk and phone holds one socket, and the usual soft limit (1,024) is far below
/// what thousands of `/live/events` viewers need, while the hard limit is usually much higher.
public struct OpenFilesLimit: Sendable, Equatable {
    /// The limit that applies now (descriptors); opening one more fails with `EMFILE`.
    public var soft: UInt64
    /// The ceiling an unprivileged process may raise its soft limit to (descriptors).
    public var hard: UInt64

    /// The limits of this process now.
    /// - Throws: `POSIXError` when getrlimit(2) fails (it does not on Linux).
    public static func current() throws -> OpenFilesLimit {
        var limit = rlimit()
        guard getrlimit(resourceNOFILE, &limit) == 0 else { throw posixError() }
        return OpenFilesLimit(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit (never lowers it) and returns the limits before and
    /// after. An unlimited hard limit is capped at the kernel's `fs.nr_open`, the most a process
    /// may hold, since setrlimit(2) refuses an unlimited `RLIMIT_NOFILE`.
    /// - Throws: `POSIXError` when getrlimit(2) or setrlimit(2) fails.
    @discardableResult
    public static func raiseSoftToHard() throws -> (before: OpenFilesLimit, after: OpenFilesLimit) {
        let before = try current()
        var target = before.hard
        if target == UInt64(rlim_t.max) { target = kernelMaximum() ?? before.soft }
        guard target > before.soft else { return (before, before) }
        var limit = rlimit(rlim_cur: rlim_t(target), rlim_max: rlim_t(before.hard))
        guard setrlimit(resourceNOFILE, &limit) == 0 else { throw posixError() }
        return (before, try current())
    }

    /// `/proc/sys/fs/nr_open`: the most descriptors any process may have open.
    static func kernelMaximum() -> UInt64? {
        (try? String(contentsOfFile: "/proc/sys/fs/nr_open", encoding: .utf8))
            .flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private static func posixError() -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }

    /// Glibc imports `RLIMIT_NOFILE` as an enum case on Linux and as an `Int32` elsewhere.
    #if canImport(Glibc)
        private static let resourceNOFILE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resourceNOFILE = RLIMIT_NOFILE
    #endif
}
