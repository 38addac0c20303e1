import Foundation
import KioskTestSupport
import ServerHardening
import Testing

/// One service per database (`DATABASE-service.lock`): a second holder is refused while the
/// first holds it, and the lock goes with its holder.
@Suite("Exclusive file lock")
struct ExclusiveFileLockTests {
    @Test func aSecondHolderIsRefusedUntilTheFirstLetsGo() throws {
        let path = temporaryDirectory("lock").appendingPathComponent("pledges.sqlite-service.lock").path
        var first: ExclusiveFileLock? = try ExclusiveFileLock(path: path)
        #expect(first?.path == path)
        let refused = #expect(throws: POSIXError.self) { try ExclusiveFileLock(path: path) }
        #expect(refused.map(ExclusiveFileLock.isHeldElsewhere) == true)
        first = nil
        #expect(throws: Never.self) { try ExclusiveFileLock(path: path) }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aFolderThatIsNotThereIsAnotherError() {
        let error = #expect(throws: POSIXError.self) { try ExclusiveFileLock(path: "/nonexistent-folder/x.lock") }
        #expect(error.map(ExclusiveFileLock.isHeldElsewhere) == false)
    }
}
