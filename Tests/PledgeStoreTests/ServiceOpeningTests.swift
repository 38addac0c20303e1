import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// The first-use rule of the service's database (``PledgeStore/serviceOpening(path:newDatabase:)``),
/// its atomic creation and the ``DatabaseMarker`` beside it; the end-to-end tests
/// (`DatabaseSafetyTests`, `BackupTests`) hold the command line's words for each refusal.
@Suite("Opening the service's database: first use, marker, refusals")
struct ServiceOpeningTests {
    static let links = try! CertificateLinks(baseURL: "http://kiosk.example.vn")

    /// A database path in a new folder, under a name of its own: rescued copies of that name in
    /// ``PledgeStore/rescueFallbackFolders``, shared by every test, count as evidence too.
    static func path() -> String {
        temporaryDirectory("opening").appendingPathComponent("opening-\(UUID().uuidString).sqlite").path
    }

    static func create(_ path: String) throws -> Bool {
        try PledgeStore.createDatabase(path: path, eventID: "open-event", kioskID: "kiosk-01", links: links)
    }

    @Test func theFirstUseOfAPathMakesTheDatabaseAndAMarkerThenUsesIt() throws {
        let path = Self.path()
        #expect(try PledgeStore.serviceOpening(path: path, newDatabase: false) == .create)
        #expect(try Self.create(path))
        try PledgeStore.check(path: path, depth: .full)
        let store = try PledgeStore(path: path, eventID: "open-event", defaultKioskID: "kiosk-01", links: Self.links)
        try store.close()
        // No temporary file is left beside it.
        let names = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(!names.contains { $0.contains(".creating-") }, "\(names)")
        let marker = DatabaseMarker(database: path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        #expect(
            marker.path
                == URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(".\(name).created")
                .path)
        #expect(marker.evidence().isEmpty)
        try marker.writeIfMissing(eventID: "open-event", replacing: false, now: Date(timeIntervalSince1970: 0))
        let text = try String(contentsOfFile: marker.path, encoding: .utf8)
        #expect(text.contains("database: \(name)\nevent: open-event\ncreated: 1970-01-01T00:00:00Z\n"))
        #expect(try PledgeStore.serviceOpening(path: path, newDatabase: false) == .existing)
    }

    @Test func aMarkerIsKeptUnlessANewDatabaseReplacesIt() throws {
        let path = Self.path()
        let marker = DatabaseMarker(database: path)
        try marker.writeIfMissing(eventID: "first", replacing: false)
        try marker.writeIfMissing(eventID: "second", replacing: false)
        #expect(try String(contentsOfFile: marker.path, encoding: .utf8).contains("event: first\n"))
        try marker.writeIfMissing(eventID: "third", replacing: true)
        #expect(try String(contentsOfFile: marker.path, encoding: .utf8).contains("event: third\n"))
    }

    @Test func aDatabaseThatWasHereIsMissingNotNewUnlessAskedFor() throws {
        let path = Self.path()
        let marker = DatabaseMarker(database: path)
        try marker.writeIfMissing(eventID: "open-event", replacing: false)
        #expect(throws: ServiceOpeningRefusal.missing(evidence: marker.evidence())) {
            try PledgeStore.serviceOpening(path: path, newDatabase: false)
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        #expect(
            marker.evidence().first?.contains("says it was made here (database: \(name), event: open-event") == true)
        #expect(try PledgeStore.serviceOpening(path: path, newDatabase: true) == .create)
    }

    @Test func aRescuedCopyIsEvidenceAndStopsTheFileAtThePath() throws {
        let path = Self.path()
        let copy = path + ".rescued-20261206T101500Z"
        FileManager.default.createFile(atPath: copy, contents: Data())
        #expect(DatabaseMarker(database: path).rescuedCopies() == [copy])
        #expect(throws: ServiceOpeningRefusal.missing(evidence: ["rescued copies: \(copy)"])) {
            try PledgeStore.serviceOpening(path: path, newDatabase: false)
        }
        #expect(try Self.create(path))
        #expect(throws: ServiceOpeningRefusal.rescuedCopiesBeside([copy])) {
            try PledgeStore.serviceOpening(path: path, newDatabase: false)
        }
    }

    @Test func anExistingDatabaseIsNeverReplaced() throws {
        let path = Self.path()
        #expect(try Self.create(path))
        #expect(throws: ServiceOpeningRefusal.newDatabaseOverExisting) {
            try PledgeStore.serviceOpening(path: path, newDatabase: true)
        }
        // A file that appeared at the path meanwhile is left as it is.
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try Self.create(path) == false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test(arguments: ["-wal", "-shm"])
    func aLeftoverWithoutItsDatabaseStopsANewOne(suffix: String) throws {
        let path = Self.path()
        FileManager.default.createFile(atPath: path + suffix, contents: Data("left".utf8))
        #expect(throws: ServiceOpeningRefusal.leftoverWithoutDatabase(path + suffix)) {
            try PledgeStore.serviceOpening(path: path, newDatabase: true)
        }
    }
}
