import Foundation
import KioskTestSupport
import Logging
import PledgeKit
import PledgeStore
import Testing

@testable import KioskClient

/// Issue 17: a front on the LAN states the service's retention date on its consent screen, kept
/// in its outbox for a start while the service cannot be reached.
@Suite struct OutboxRetentionTests {
    let local = CivilDate(year: 2098, month: 1, day: 1)
    let served = CivilDate(year: 2099, month: 12, day: 31)

    func open(_ service: FakeService, _ outbox: OutboxStore) async throws -> OutboxPledgeService {
        try await OutboxPledgeService.open(
            client: service, outbox: outbox, fallbackBase: "http://10.0.0.2:8080", logger: LogRecords().logger())
    }

    @Test func theServicesDateWinsAndIsCachedForAnOfflineStart() async throws {
        let path = temporaryDirectory("outbox-retention").appendingPathComponent("outbox.sqlite").path
        let outbox = try OutboxStore(path: path)
        defer { try? outbox.close() }
        let service = FakeService()
        // Never heard from the service: the front's own event.yaml.
        service.answerHeartbeats(nil)
        #expect(try await open(service, outbox).retainPersonalDataUntil(orElse: local) == local)
        service.answerHeartbeats(
            KioskConfigAnswer(
                certificateBaseURL: "http://10.0.0.2:8080", eventID: "test-event", retainPersonalDataUntil: served))
        let front = try await open(service, outbox)
        #expect(await front.retainPersonalDataUntil(orElse: local) == served)
        // Offline at the next start: the cached date.
        service.answerHeartbeats(nil)
        #expect(try await open(service, outbox).retainPersonalDataUntil(orElse: local) == served)
        // A service whose event sets none: none, whatever the front's file says (a heartbeat tells it).
        service.answerHeartbeats(KioskConfigAnswer(certificateBaseURL: "http://10.0.0.2:8080", eventID: "test-event"))
        await front.sendHeartbeat()
        #expect(await front.retainPersonalDataUntil(orElse: local) == nil)
    }
}
