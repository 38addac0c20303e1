import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A program started with `posix_spawn` that runs beside the test (a service, a lock holder),
/// with the part of Foundation's `Process` the tests use: the same property names, so a test reads
/// as it did.
///
/// Not Foundation's `Process`: on Linux its `run()` lists `/proc/self/fd` and copies each entry's
/// whole 256-byte `d_name`, reading past the end of the directory buffer when an entry ends at an
/// unmapped page; with the many descriptors of the parallel run it crashed the test process
/// (SIGSEGV in a `memcpy` in `Process.run()`, CI and a local `make test`), one launch at a time or
/// not. Here every descriptor above 2 is closed in the child
/// (`posix_spawn_file_actions_addclosefrom_np`), as Foundation does, and the signals a test
/// process may ignore or block are reset.
public final class SpawnedProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String] = []
    /// The complete environment of the program; nil inherits this process's.
    public var environment: [String: String]?
    /// Files for standard input, output and error; nil is /dev/null.
    public var standardInput: FileHandle?
    public var standardOutput: FileHandle?
    public var standardError: FileHandle?

    // Guards the members below.
    private let lock = NSLock()
    private var pid: pid_t = 0
    /// The wait status once the program has ended and been reaped.
    private var status: Int32?

    public init() {}

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not declare.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    public var processIdentifier: Int32 { lock.withLock { pid } }

    /// Starts the program.
    /// - Throws: ``ProcessRunner/Failure`` when it cannot be started.
    public func run() throws {
        guard let path = executableURL?.path else { throw ProcessRunner.Failure.executableNotFound("(none)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, handle, flags) in [
            (Int32(0), standardInput, O_RDONLY), (1, standardOutput, O_WRONLY), (2, standardError, O_WRONLY),
        ] {
            if let handle {
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", flags, 0)
            }
        }
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGCHLD, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { values in
            values.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { for pointer in envp ?? [] { free(pointer) } }
        var child = pid_t()
        let error =
            if let envp {
                posix_spawn(&child, path, &actions, &attributes, argv, envp)
            } else {
                posix_spawn(&child, path, &actions, &attributes, argv, environ)
            }
        guard error == 0 else {
            throw ProcessRunner.Failure.launchFailed(path, underlying: String(cString: strerror(error)))
        }
        lock.withLock { pid = child }
    }

    /// Whether the program still runs (it is reaped as soon as it is seen to have ended).
    public var isRunning: Bool {
        lock.withLock {
            guard pid > 0, status == nil else { return false }
            var value: Int32 = 0
            let reaped = waitpid(pid, &value, WNOHANG)
            if reaped == pid { status = value }
            // -1 (ECHILD): already reaped elsewhere; nothing left to wait for.
            if reaped == -1 && errno != EINTR { status = 0 }
            return status == nil
        }
    }

    /// SIGTERM.
    public func terminate() {
        let pid = processIdentifier
        if pid > 0 { kill(pid, SIGTERM) }
    }

    /// Returns once the program has ended (polled: another thread may ask ``isRunning`` meanwhile,
    /// and only one `waitpid` may reap it).
    public func waitUntilExit() {
        var pause: UInt32 = 200
        while isRunning {
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
    }

    /// The exit status, or the number of the signal that ended the program (as Foundation's).
    public var terminationStatus: Int32 {
        let value = lock.withLock { status ?? 0 }
        return value & 0x7F == 0 ? (value >> 8) & 0xFF : value & 0x7F
    }

    public var terminationReason: Process.TerminationReason {
        lock.withLock { (status ?? 0) & 0x7F == 0 ? .exit : .uncaughtSignal }
    }
}
