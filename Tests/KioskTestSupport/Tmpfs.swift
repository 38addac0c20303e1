import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A tmpfs of a given size mounted on a folder of the test's, unmounted by ``unmount()``.
public struct Tmpfs: Sendable {
    public let path: String

    /// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN): tried once, on a 1 MiB one.
    public static let canMount: Bool = {
        guard let disk = try? Tmpfs(at: temporaryDirectory("tmpfs-probe"), size: "1m") else { return false }
        disk.unmount()
        return true
    }()

    /// Mounts a tmpfs of `size` (as `mount` writes it: `40m`) on `folder`, made when missing.
    public init(at folder: URL, size: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let run = try ProcessRunner.run("mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0750", "tmpfs", folder.path])
        guard run.status == 0 else { throw MountFailure(description: "mount -t tmpfs: \(run.stderr)") }
        path = folder.path
    }

    /// Unmounts it (lazily when something still holds a file there, so the test never leaves it).
    public func unmount() {
        if (try? ProcessRunner.run("umount", [path]))?.status != 0 {
            _ = try? ProcessRunner.run("umount", ["-l", path])
        }
    }

    /// Writes `file` until the file system has no byte left (ENOSPC); returns the bytes written.
    public static func fill(_ file: String) throws -> Int {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw MountFailure(description: "cannot create \(file)") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x5A, count: 1 << 20)
        var total = 0
        while true {
            let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            total += written
        }
        guard errno == ENOSPC else {
            throw MountFailure(description: "filling stopped: \(String(cString: strerror(errno)))")
        }
        return total
    }

    public struct MountFailure: Error, CustomStringConvertible {
        public let description: String
    }
}
