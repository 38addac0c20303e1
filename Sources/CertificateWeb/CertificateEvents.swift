import PledgeKit

/// Where the certificate routes learn the event a pledge was made at, and so what its
/// certificate shows beside the pledge (the event's name, place and date; the campaign's pledge
/// text and safety resources): one event for the event service (``OneEvent``), each pledge's own
/// at the national hub, which serves the certificates of many events.
public protocol CertificateEvents: Sendable {
    /// The configuration the certificate of `pledge` shows.
    /// - Throws: ``PledgeError`` `unavailable` when the event cannot be read now (503).
    func configuration(for pledge: Pledge) async throws(PledgeError) -> EventConfiguration

    /// The event that issued `code` when its pledge is not here (yet): at the hub, a code whose
    /// tag is a registered event's and whose MAC that event's key verifies, made offline and not
    /// synced so far. Nil for every other code (a made-up code of the right shape among them),
    /// and always nil at an event service, which holds every pledge it issued.
    func eventAwaited(code: CertificateCode) async throws(PledgeError) -> EventConfiguration?
}

/// The one event of an event service: every pledge it holds was made there.
public struct OneEvent: CertificateEvents {
    public let configuration: EventConfiguration

    public init(_ configuration: EventConfiguration) {
        self.configuration = configuration
    }

    public func configuration(for pledge: Pledge) -> EventConfiguration { configuration }

    public func eventAwaited(code: CertificateCode) -> EventConfiguration? { nil }
}
