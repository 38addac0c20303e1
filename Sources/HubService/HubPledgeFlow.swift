import Foundation
import HubCore
import PledgeKit
import PledgeWeb
import Synchronization

/// The web pledge flow at the hub's official domain (issue 16): the same routes, pages, rules and
/// limits as the event service's (PledgeWeb's ``PhonePledgeRoutes``), over the hub's linked
/// events. A phone whose venue Wi-Fi keeps it from the event service pledges over mobile data.
///
/// A presence at the hub is the event's code tag and its presence code (``PresenceCodes/hubPresence(_:)``,
/// `https://HUB/P/TAGCODE6`, what a linked event's `/presence` QR holds): the tag finds the event,
/// the code is checked with the presence key derived from the event's code key
/// (``PresenceCodes/init(linkedTo:)``). With a code the event showed lately, the pledge counts for
/// the event with channel `phone`; without one (none, expired, made-up, an unknown tag) it counts as
/// an online pledge only, under the pseudo-event ``HubEvent/onlineID``, and the page says so before
/// anything is signed. Either way it is recorded at the hub (``HubWebPledges``), never at the event.
final class HubPledgeFlow: PledgeFlowSite {
    let web: any HubWebPledges
    let certificates: HubCertificates
    let campaign: EventConfiguration
    /// The hub's base of certificate links (the receipt's QR text).
    let links: CertificateLinks
    let now: @Sendable () -> Date
    /// The online pseudo-event, once read or registered.
    private let online = Mutex<HubEvent?>(nil)

    init(
        web: any HubWebPledges, certificates: HubCertificates, campaign: EventConfiguration, links: CertificateLinks,
        now: @escaping @Sendable () -> Date
    ) {
        self.web = web
        self.certificates = certificates
        self.campaign = campaign
        self.links = links
        self.now = now
    }

    func place(presence text: String, at date: Date) async throws(PledgeError) -> PledgeFlowPlace {
        let read = PresenceCodes.hubPresence(text)
        var refused: HubEvent? = nil
        if let (tag, code) = read, let event = try await certificates.event(codeTag: tag), !event.isOnline {
            let codes = PresenceCodes(linkedTo: CodeIssuer(tag: event.codeTag, key: event.codeKey))
            if codes.accepts(code, at: date) {
                return PledgeFlowPlace(
                    configuration: certificates.configuration(of: event), presence: tag + code, accepted: true,
                    withoutPresence: .online, refusal: Self.onlineOnly(nil), eventID: event.id.rawValue)
            }
            refused = event
        }
        let event = try await onlineEvent()
        let given = !text.isEmpty && text != "0"
        return PledgeFlowPlace(
            configuration: certificates.configuration(of: event),
            presence: given ? read.map { $0.tag + $0.code } ?? "-" : "0", accepted: false, withoutPresence: .online,
            refusal: Self.onlineOnly(refused?.name), eventID: event.id.rawValue)
    }

    func record(_ draft: PledgeDraft, key: IdempotencyKey, at place: PledgeFlowPlace) async throws(PledgeError)
        -> RecordOutcome
    {
        // The place came from ``place(presence:at:)``: an event's id read from the store.
        let id = EventID(place.eventID) ?? HubEvent.onlineID
        let outcome: HubWebPledgeOutcome
        do { outcome = try await web.recordWebPledge(draft, key: key, event: id, at: now()) } catch {
            throw PledgeError(error)
        }
        switch outcome {
        case .recorded(let pledge):
            let receipt = PledgeReceipt(
                id: pledge.id, number: pledge.number, code: pledge.code,
                certificateUrl: links.certificateURL(for: pledge.code))
            return .recorded(receipt)
        case .keyReused:
            throw PledgeError(
                .idempotencyKeyReused, field: "key",
                vi: "Khóa Idempotency-Key này đã dùng cho một lời cam kết khác.",
                en: "This Idempotency-Key was used for another pledge.")
        }
    }

    func isRecorded(idempotencyKey key: IdempotencyKey) async -> Bool {
        (try? await web.isWebPledgeRecorded(key: key)) ?? false
    }

    /// The online pseudo-event, registered (with the campaign's retention) on first use.
    func onlineEvent() async throws(PledgeError) -> HubEvent {
        if let event = online.withLock({ $0 }) { return event }
        let event: HubEvent
        do { event = try await web.onlineEvent(retainUntil: campaign.retainPersonalDataUntil) } catch {
            throw PledgeError(error)
        }
        online.withLock { $0 = event }
        return event
    }

    /// What a page at the hub says when a presence code was not taken: the pledge will count
    /// online only (for no event), and how to count it for the event.
    static func onlineOnly(_ eventName: String?) -> PledgeError {
        let vi = eventName.map { "của sự kiện “\($0)” " } ?? ""
        let en = eventName.map { " of the event “\($0)”" } ?? ""
        return PledgeError(
            .presenceRequired, field: "presence",
            vi:
                "Mã điểm danh \(vi)đã hết hạn hoặc không đúng: lời cam kết này sẽ được tính là cam kết trực tuyến, không tính cho sự kiện. Muốn tính cho sự kiện, hãy quét lại mã QR đang hiện trên màn hình của sự kiện.",
            en:
                "The presence code\(en) has expired or is wrong: this pledge will count as an online pledge, not for the event. To count it for the event, scan the QR the event's screen shows now."
        )
    }
}

extension HubCertificates {
    /// The event with code tag `tag`, kept as ``eventAwaited(code:)`` keeps it; nil when no event has it.
    func event(codeTag tag: String) async throws(PledgeError) -> HubEvent? {
        if let event = known(\.byTag, tag) { return event }
        let stamp = changes?.changeStamp()
        let event: HubEvent?
        do { event = try await records.event(codeTag: tag) } catch { throw PledgeError(error) }
        if let event { remember(event, readUnder: stamp) }
        return event
    }
}
