import Foundation

/// A kiosk process whose wall clock is moved by libfaketime (Debian's `libfaketime`, which
/// `make test` installs): the real `kiosk` binary under a wrong clock, with no test hook in it.
/// The monotonic clock is left alone, so timers and timeouts run as usual.
enum FakeClock {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "libfaketime is not installed (apt-get install libfaketime; `make test` does it)" }
    }

    /// `libfaketime.so.1` in the multiarch folder of this machine.
    static func library() throws -> String {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib")) ?? []
        for folder in [""] + folders.sorted() {
            let path = "/usr/lib/\(folder)\(folder.isEmpty ? "" : "/")faketime/libfaketime.so.1"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw Missing()
    }

    /// The variables that start a process with its clock `shift` away from the real one, in
    /// libfaketime's syntax: "+400d" (400 days ahead), "-1d" (a day behind).
    static func environment(_ shift: String) throws -> [String: String] {
        [
            "LD_PRELOAD": try library(),
            "FAKETIME": shift,
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            // libfaketime publishes its shared memory with setenv("FAKETIME_SHARED"). Adding a
            // variable moves `environ`, and the Swift runtime, which finds argv next to the
            // initial environment, would then see no arguments at all. Present from the start
            // (a stale value: libfaketime makes its own), the variable is replaced in place.
            "FAKETIME_SHARED": "/kiosk-test-none /kiosk-test-none",
        ]
    }

    /// This process's environment with ``environment(_:)`` added, for ``ProcessRunner``.
    static func processEnvironment(_ shift: String) throws -> [String: String] {
        ProcessInfo.processInfo.environment.merging(try environment(shift)) { $1 }
    }
}
