import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs external programs for tests and collects their output.
public enum ProcessRunner {
    /// Errors from ``run(_:_:input:environment:)`` itself (a program that runs and fails is not an error).
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// No executable file of that name in any `PATH` directory (or at that absolute path).
        case executableNotFound(String)
        /// The program could not be started.
        case launchFailed(String, underlying: String)

        public var description: String {
            switch self {
            case .executableNotFound(let name): "executable '\(name)' not found in PATH"
            case .launchFailed(let name, let underlying): "could not start '\(name)': \(underlying)"
            }
        }
    }

    /// Runs a program to completion and returns its exit status and output, decoded as UTF-8.
    ///
    /// - Parameters:
    ///   - executable: An absolute path, or a name looked up in the `PATH` directories.
    ///   - arguments: The arguments, without the program name.
    ///   - input: Bytes for the program's standard input; `nil` gives an empty stdin.
    ///   - environment: The complete environment of the program; `nil` inherits this process's environment.
    /// - Returns: The exit status (or the signal number for a program killed by a signal), standard output and
    ///   standard error; invalid UTF-8 is repaired with U+FFFD.
    /// - Throws: ``Failure``.
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let path = locate(executable, environment: environment) else {
            throw Failure.executableNotFound(executable)
        }
        // Standard input, output and error are files, not pipes: a chatty program can never block on a full pipe,
        // and a daemon the program leaves behind (tmux new-session -d) cannot keep us waiting for end-of-file.
        let directory = temporaryDirectory("process")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inPath = directory.appendingPathComponent("stdin").path
        let outPath = directory.appendingPathComponent("stdout").path
        let errPath = directory.appendingPathComponent("stderr").path
        guard FileManager.default.createFile(atPath: inPath, contents: input ?? Data()) else {
            throw Failure.launchFailed(executable, underlying: "cannot create files in \(directory.path)")
        }
        let status = try spawnAndWait(
            path, arguments: arguments, environment: environment, stdin: inPath, stdout: outPath, stderr: errPath
        )
        let stdout = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let stderr = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        return (status, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `path` with `posix_spawn` and waits for that process only (`waitpid`), not for its descendants.
    ///
    /// Foundation's `Process.waitUntilExit()` on Linux also waits for daemons the child leaves behind, so it is not
    /// used here. Returns the exit status, or the signal number when the process was killed by a signal.
    private static func spawnAndWait(
        _ path: String, arguments: [String], environment: [String: String]?, stdin: String, stdout: String,
        stderr: String
    ) throws -> Int32 {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        guard FileManager.default.createFile(atPath: stdout, contents: nil),
            FileManager.default.createFile(atPath: stderr, contents: nil),
            let input = FileHandle(forReadingAtPath: stdin), let output = FileHandle(forWritingAtPath: stdout),
            let errors = FileHandle(forWritingAtPath: stderr)
        else { throw Failure.launchFailed(path, underlying: "cannot open its files in \(stdout)") }
        defer {
            try? input.close()
            try? output.close()
            try? errors.close()
        }
        (process.standardInput, process.standardOutput, process.standardError) = (input, output, errors)
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Whether `executable` can be found (absolute path, or a name in `PATH`).
    public static func isAvailable(_ executable: String) -> Bool {
        locate(executable, environment: nil) != nil
    }

    /// The absolute path of an executable: itself when it contains a slash, else the first match in `PATH`.
    public static func locate(_ executable: String, environment: [String: String]?) -> String? {
        let fileManager = FileManager.default
        if executable.contains("/") {
            return fileManager.isExecutableFile(atPath: executable) ? executable : nil
        }
        let searchPath =
            environment?["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(executable)"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Creates a new, empty, uniquely named directory under the system temporary directory and returns its URL.
///
/// The directory name starts with `name`. The caller removes it when done (or leaves it for the OS to clean up).
public func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(name)-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension ProcessRunner {
    /// Starts `process` (``SpawnedProcess/run()``).
    /// - Throws: ``Failure`` when it cannot be started.
    public static func launch(_ process: SpawnedProcess) throws {
        try process.run()
    }
}
