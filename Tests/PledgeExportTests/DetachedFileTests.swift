import Foundation
import KioskTestSupport
import Testing

@testable import PledgeExport

#if canImport(Glibc)
    import Glibc
#endif

/// Each test in a parent folder of its own, so nothing else writing to `/tmp` matters.
@Suite("Exports: a download written whole leaves no file behind")
struct DetachedFileTests {
    @Test func theFileIsReadThroughTheHandleOnlyAndNothingIsLeft() async throws {
        let parent = temporaryDirectory("detached")
        defer { try? FileManager.default.removeItem(at: parent) }
        let bytes = Array(repeating: UInt8(ascii: "x"), count: 200_000)
        let file = try await DetachedFile(name: "pledges.xlsx", temporaryDirectory: parent.path) { path in
            var info = stat()
            #expect(stat(URL(fileURLWithPath: path).deletingLastPathComponent().path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o700, "the folder is the owner's only")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
        #expect(file.bytes == bytes.count)
        var read: [UInt8] = []
        while let piece = try file.read() { read += piece }
        #expect(read == bytes)

        await #expect(throws: ExportError.self) {
            _ = try await DetachedFile(name: "t.xlsx", temporaryDirectory: parent.path) { path in
                FileManager.default.createFile(atPath: path, contents: Data("half".utf8))
                throw ExportError("failed halfway")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
        await #expect(throws: ExportError.self) {
            _ = try await DetachedFile(name: "t.xlsx", temporaryDirectory: parent.path + "/none") { _ in }
        }
    }
}
