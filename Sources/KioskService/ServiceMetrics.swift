import CoreMetrics
import Foundation
import LiveWeb
import PledgeKit
import Prometheus
import ServerHardening

/// The service's numbers (``MetricName``), kept through swift-metrics in a Prometheus registry of
/// their own (no process-wide bootstrap, so every service in a process, such as each test's, has
/// its own), and written in the Prometheus text format (version 0.0.4) by `GET /metrics`.
///
/// The store counts into ``factory`` (give it to `PledgeStore(metrics:)`): pledges recorded and
/// refused, commit latency, group size. The service adds its open connections (an atomic gauge
/// changed as each connection opens and closes) and, when scraped, live viewers and each kiosk's
/// outbox backlog. No label carries personal data: refusal codes and kiosk ids only.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// swift-metrics' factory writing into ``registry``.
    public let factory: PrometheusMetricsFactory
    let openConnections: Meter

    /// Commit latency buckets, seconds: a `synchronous=FULL` commit is one fsync (about 1 ms on an
    /// SSD, tens of ms on an SD card or a USB stick).
    static let commitBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5),
    ]
    /// Group size buckets, pledges: powers of two up to the most in one transaction (256).
    static let groupBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [MetricName.commitDuration: Self.commitBuckets]
        factory.valueHistogramBuckets = [MetricName.commitGroupSize: Self.groupBuckets]
        self.registry = registry
        self.factory = factory
        openConnections = Meter(label: MetricName.openConnections, factory: factory)
        // Made now, so each is in the first scrape (at 0), whoever counts into it later.
        _ = CoreMetrics.Counter(label: MetricName.pledgesRecorded, factory: factory)
        _ = CoreMetrics.Timer(label: MetricName.commitDuration, factory: factory)
        _ = Recorder(label: MetricName.commitGroupSize, factory: factory)
        Meter(label: MetricName.liveViewers, factory: factory).set(0)
    }

    /// A pledge refused before it reached the store (the store counts its own refusals).
    /// - Parameter reason: the problem's `code`.
    func refused(_ reason: String) {
        CoreMetrics.Counter(label: MetricName.pledgesRefused, dimensions: [("reason", reason)], factory: factory)
            .increment()
    }

    /// The most kiosks given a backlog series of their own (an event has a few dozen at most).
    static let maximumKioskSeries = 64

    public func connectionOpened() { openConnections.increment() }
    public func connectionClosed() { openConnections.decrement() }

    /// The text `GET /metrics` answers, after reading the numbers that are only sampled: live
    /// viewers, and the outbox backlog from the kiosks' last heartbeats (skipped when the database
    /// cannot be read: the rest is still served).
    /// - Parameter perKiosk: one series per kiosk id, for the ``maximumKioskSeries`` seen last;
    ///   only when a kiosk token is set. Without one anybody on the LAN names kiosks (a name, a
    ///   phone number, thousands of them): the backlog is then one series, `kiosk="all"`.
    func exposition(live: LiveCounter?, kiosks: (any KioskRegistry)?, perKiosk: Bool) async -> [UInt8] {
        if let live {
            Meter(label: MetricName.liveViewers, factory: factory).set(await live.viewerCount)
        }
        if let kiosks, let statuses = try? await kiosks.kiosks(now: Date()) {
            if perKiosk {
                let latest = statuses.sorted { ($0.lastSeen ?? .distantPast) > ($1.lastSeen ?? .distantPast) }
                for kiosk in latest.prefix(Self.maximumKioskSeries) {
                    Meter(label: MetricName.outboxWaiting, dimensions: [("kiosk", kiosk.id)], factory: factory)
                        .set(kiosk.waiting)
                }
            } else {
                Meter(label: MetricName.outboxWaiting, dimensions: [("kiosk", "all")], factory: factory)
                    .set(statuses.reduce(0) { $0 + $1.waiting })
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// The open connections `/metrics` reports are counted by the deadline channel (ServerHardening).
extension ServiceMetrics: ConnectionCounter {}
