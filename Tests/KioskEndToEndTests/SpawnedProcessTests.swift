import Foundation
import KioskTestSupport
import Testing

/// The tests' launcher of programs that run beside them (Foundation's `Process.run()` crashed the
/// parallel run): exit status and signal as Foundation reports them, and no descriptor of the test
/// process leaks into the program.
@Suite struct SpawnedProcessTests {
    private func shell(_ script: String, output: FileHandle? = nil) -> SpawnedProcess {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = output
        return process
    }

    @Test func exitStatusAndSignal() throws {
        let exits = shell("exit 3")
        try exits.run()
        exits.waitUntilExit()
        #expect(!exits.isRunning)
        #expect(exits.terminationStatus == 3 && exits.terminationReason == .exit)

        let sleeper = shell("exec sleep 600")
        try sleeper.run()
        #expect(sleeper.isRunning && sleeper.processIdentifier > 0)
        sleeper.terminate()
        sleeper.waitUntilExit()
        #expect(sleeper.terminationStatus == SIGTERM && sleeper.terminationReason == .uncaughtSignal)
    }

    @Test func onlyStandardDescriptorsReachTheProgram() throws {
        let folder = temporaryDirectory("spawned")
        let listing = folder.appendingPathComponent("fds.txt")
        let open = folder.appendingPathComponent("open.txt")
        _ = FileManager.default.createFile(atPath: listing.path, contents: nil)
        _ = FileManager.default.createFile(atPath: open.path, contents: nil)
        // A descriptor of the test process without close-on-exec.
        let held = try FileHandle(forWritingTo: open)
        defer { try? held.close() }
        let output = try FileHandle(forWritingTo: listing)
        let process = shell("ls /proc/$$/fd", output: output)
        try process.run()
        process.waitUntilExit()
        try output.close()
        let descriptors = try String(contentsOf: listing, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        #expect(process.terminationStatus == 0)
        #expect(descriptors.contains(1))
        #expect(!descriptors.contains(Int(held.fileDescriptor)), "\(descriptors)")
        #expect(descriptors.allSatisfy { $0 <= 2 }, "\(descriptors)")
    }
}
