import Foundation
import KioskTestSupport
import Testing

/// Exactly once through faults (issue 14): the hub killed with SIGKILL at random moments during
/// uploads, the event service killed during uploads, an event database restored from an older
/// copy. Afterwards the hub holds each event's pledges once each, with the event's numbers.
///
/// Runs alone (the Makefile's `test`): dozens of process starts load both cores.
/// `KIOSK_HUB_KILLS` sets the number of kills of each kind (20 by default).
@Suite("The hub and the events survive SIGKILL during uploads", .serialized)
struct HubFaultTests {
    static var kills: Int { Int(ProcessInfo.processInfo.environment["KIOSK_HUB_KILLS"] ?? "") ?? 20 }

    /// Posts pledges to `server` until `stop` is set (or 300 are posted); how many were answered 201.
    static func load(port: Int, run: Int, stop: StopFlag) async -> Int {
        var acknowledged = 0
        for n in 0..<300 where !stop.isSet {
            let answer = try? await TestEvent.postPledge(
                port: port, key: "run\(run)-\(n)-\(port)", kiosk: "fault-kiosk",
                name: n % 3 == 0 ? nil : "Người ký \(run)-\(n)", timeout: 5)
            if answer?.status == 201 { acknowledged += 1 }
        }
        return acknowledged
    }

    @Test func theHubKilledAtRandomMomentsDuringUploadsLosesAndDuplicatesNothing() async throws {
        let bed = try await HubTestbed("hub-kills")
        let first = try bed.addEvent("fault-hub-a")
        let second = try bed.addEvent("fault-hub-b", province: "Huế")
        try await bed.startHub()
        let servers = [try await bed.serve(first), try await bed.serve(second)]
        var generator = SystemRandomNumberGenerator()
        var acknowledged = 0
        for run in 0..<Self.kills {
            let stop = StopFlag()
            let ports = (servers[0].port, servers[1].port)
            async let a = Self.load(port: ports.0, run: run, stop: stop)
            async let b = Self.load(port: ports.1, run: run, stop: stop)
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...600, using: &generator)))
            try await bed.killHub()
            stop.set()
            acknowledged += await a + b
            try await bed.startHub()
        }
        #expect(acknowledged > 0)
        #expect(try await bed.waitForSync([first, second], timeout: 300))
        print("hub kills: \(Self.kills) SIGKILLs of the hub, \(acknowledged) pledges acknowledged by the events")
        for event in [first, second] {
            let local = try await HubTestbed.eventPledges(event)
            #expect(try await bed.hubRowCount(event) == local.count, "no duplicate at the hub")
        }
        for server in servers { _ = try await KioskProcess.stop(server) }
        try await bed.finish()
    }

    @Test func theEventKilledAtRandomMomentsDuringUploadsLosesAndDuplicatesNothing() async throws {
        let bed = try await HubTestbed("event-kills")
        let event = try bed.addEvent("fault-event")
        try await bed.startHub()
        var generator = SystemRandomNumberGenerator()
        var acknowledged = 0
        for run in 0..<Self.kills {
            let server = try await bed.serve(event)
            let stop = StopFlag()
            let port = server.port
            async let load = Self.load(port: port, run: run, stop: stop)
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...600, using: &generator)))
            let handle = Started(server)
            try await offPool { handle.process.kill9() }
            stop.set()
            acknowledged += await load
        }
        #expect(acknowledged > 0)
        let server = try await bed.serve(event)
        #expect(try await bed.waitForSync([event], timeout: 300))
        print("event kills: \(Self.kills) SIGKILLs of the event, \(acknowledged) pledges acknowledged")
        #expect(try await bed.hubRowCount(event) == (try await HubTestbed.eventPledges(event)).count)
        _ = try await KioskProcess.stop(server)
        try await bed.finish()
    }

    @Test func anEventDatabaseRestoredFromAnOlderCopyChangesNothingAtTheHub() async throws {
        let bed = try await HubTestbed("restore")
        let event = try bed.addEvent("fault-restore")
        try await bed.startHub()
        var server = try await bed.serve(event)
        for n in 0..<5 {
            _ = try await TestEvent.postPledge(port: server.port, key: "old-\(n)", kiosk: "k", name: "Cũ \(n)")
        }
        #expect(try await bed.waitForSync([event]))
        // The older copy: taken while the service is stopped, before more pledges and an erasure.
        _ = try await KioskProcess.stop(server)
        let copy = bed.folder.appendingPathComponent("older.sqlite")
        try FileManager.default.copyItem(atPath: event.database, toPath: copy.path)
        server = try await bed.serve(event)
        for n in 0..<5 {
            _ = try await TestEvent.postPledge(port: server.port, key: "new-\(n)", kiosk: "k", name: "Mới \(n)")
        }
        #expect(try await bed.waitForSync([event]))
        _ = try await KioskProcess.stop(server)
        let before = try await bed.hubPledges(event)
        #expect(before.count == 10)

        // The older copy comes back in place of the file, and the service starts on it.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: event.database + suffix) }
        try FileManager.default.copyItem(atPath: copy.path, toPath: event.database)
        server = try await bed.serve(event)
        // One contact with nothing new to send: wait for it through a pledge that does change the hub.
        _ = try await TestEvent.postPledge(port: server.port, key: "after-restore", kiosk: "k", name: nil)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, try await bed.hubRowCount(event) < 11 { try await Task.sleep(for: .milliseconds(200)) }
        let after = try await bed.hubPledges(event)
        for (code, pledge) in before { #expect(after[code] == pledge, "the restore changed \(code) at the hub") }
        _ = try await KioskProcess.stop(server)
        try await bed.finish()
    }
}
