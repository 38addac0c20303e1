import CertificateWeb
import Foundation
import HubCore
import PledgeKit
import Synchronization

/// The hub's certificates as the certificate routes ask for them: pledges by code
/// (``HubRecords/certificate(code:)``), each event's configuration
/// (the campaign's pledge text, resources and templates with the event's name, place and date),
/// and codes an event issued whose pledge has not arrived (``eventAwaited(code:)``).
///
/// The hub never changes an event once registered (`kiosk hub add-event`), so each is read once
/// and kept (at most ``capacity``; past that the table starts again), and dropped when `changes`
/// moves (a hand edit of the database notifies too). Codes with no registered event are never
/// kept, so probing codes fills nothing.
public final class HubCertificates: CertificateEvents, PledgeLookup, SignerErasure {
    let records: any HubRecords
    let campaign: EventConfiguration
    let now: @Sendable () -> Date
    let changes: (any ChangeStamping)?
    let capacity: Int

    struct Known {
        /// The change stamp the events were read under; nil when there is none.
        var stamp: Int?
        var byTag: [String: HubEvent] = [:]
        /// Each kept event's configuration (``configuration(of:)``), made once, not per page.
        var configurations: [String: EventConfiguration] = [:]
    }
    private let known = Mutex(Known())

    /// - Parameters:
    ///   - records: the hub's store.
    ///   - campaign: what every certificate shows whatever its event (pledge text, resources,
    ///     templates): the configuration of the campaign's `Kiosk/` folder.
    ///   - changes: tells when a stored event may have changed; nil: events are kept for good.
    ///   - now: the clock of erasures.
    ///   - capacity: the most events kept in memory.
    public init(
        records: any HubRecords, campaign: EventConfiguration, changes: (any ChangeStamping)? = nil,
        now: @escaping @Sendable () -> Date = Date.init, capacity: Int = 10_000
    ) {
        self.records = records
        self.campaign = campaign
        self.changes = changes
        self.now = now
        self.capacity = capacity
    }

    /// The pledge with `code`.
    public func pledge(code: CertificateCode) async throws(PledgeError) -> Pledge? {
        do { return try await records.certificate(code: code) } catch { throw PledgeError(error) }
    }

    /// The campaign's configuration with the name, place, date and retention of `pledge`'s event.
    /// - Throws: ``PledgeError`` `unavailable` when the store cannot be read, or holds no such
    ///   event (which its foreign key rules out).
    public func configuration(for pledge: Pledge) async throws(PledgeError) -> EventConfiguration {
        if let configuration = known(\.configurations, pledge.eventID) {
            return configuration.eventID == HubEvent.onlineID.rawValue
                ? withDay(configuration, of: pledge) : configuration
        }
        let stamp = changes?.changeStamp()
        var event: HubEvent? = nil
        if let id = EventID(pledge.eventID) {
            do { event = try await records.event(id: id) } catch { throw PledgeError(error) }
        }
        guard let event else {
            throw PledgeError(
                .unavailable, vi: "Không đọc được sự kiện của giấy chứng nhận này.",
                en: "The event of this certificate cannot be read.")
        }
        remember(event, readUnder: stamp)
        return configuration(of: event, pledge: pledge)
    }

    /// `event`'s configuration for `pledge`'s certificate: an online pledge (``HubEvent/onlineID``)
    /// shows the day it was made, not the day the hub first took one.
    func configuration(of event: HubEvent, pledge: Pledge) -> EventConfiguration {
        event.isOnline ? withDay(configuration(of: event), of: pledge) : configuration(of: event)
    }

    /// `configuration` with the day `pledge` was made (an online pledge's certificate).
    func withDay(_ configuration: EventConfiguration, of pledge: Pledge) -> EventConfiguration {
        var configuration = configuration
        configuration.date = CivilDate(inVietnamAt: pledge.createdAt)
        return configuration
    }

    /// The event that issued `code` (its tag is the event's and the event's key verifies its MAC),
    /// when its pledge is not at the hub; nil for the first form and for a made-up code.
    public func eventAwaited(code: CertificateCode) async throws(PledgeError) -> EventConfiguration? {
        guard let tag = code.codeTag else { return nil }
        var event = known(\.byTag, tag)
        if event == nil {
            let stamp = changes?.changeStamp()
            do { event = try await records.event(codeTag: tag) } catch { throw PledgeError(error) }
            if let event { remember(event, readUnder: stamp) }
        }
        guard let event, CodeIssuer(tag: event.codeTag, key: event.codeKey).issued(code) else { return nil }
        return configuration(of: event)
    }

    /// Erases the name of the pledge with `code` at the hub; its event learns it in its next
    /// acknowledgement (``HubRecords/erase(code:at:)``).
    public func erasePersonalData(code: CertificateCode) async throws(PledgeError) -> Bool {
        do { return try await records.erase(code: code, at: now()) } catch { throw PledgeError(error) }
    }

    /// A code its event issued whose pledge has not arrived may be erased now: the erasure waits
    /// at the hub and wins when the pledge comes (``HubRecords/erase(code:at:)``).
    public func erasesBeforeArrival(code: CertificateCode) async throws(PledgeError) -> Bool {
        try await eventAwaited(code: code) != nil
    }

    func configuration(of event: HubEvent) -> EventConfiguration {
        var configuration = campaign
        configuration.eventID = event.id.rawValue
        configuration.name = event.name
        configuration.place = event.place
        configuration.date = event.date
        configuration.retainPersonalDataUntil = event.retainPersonalDataUntil
        configuration.hub = nil
        return configuration
    }

    /// The value kept under `key` in `table`, while nothing changed since it was read.
    func known<Value: Sendable>(_ table: KeyPath<Known, [String: Value]>, _ key: String) -> Value? {
        let stamp = changes?.changeStamp()
        return known.withLock { known in
            if known.stamp != stamp { known = Known(stamp: stamp) }
            return known[keyPath: table][key]
        }
    }

    /// Keeps `event`, read under the change stamp `stamp` (taken before the read): not when the
    /// stamp moved on since, as the event may have changed after it was read.
    func remember(_ event: HubEvent, readUnder stamp: Int?) {
        known.withLock { known in
            let now = changes?.changeStamp()
            guard now == stamp else { return }
            if known.configurations.count >= capacity || known.stamp != now { known = Known(stamp: now) }
            known.byTag[event.codeTag] = event
            known.configurations[event.id.rawValue] = configuration(of: event)
        }
    }
}
