import Foundation
import Hummingbird
import PledgeKit
import Synchronization

/// Token buckets keyed by kiosk id: each kiosk may send `burst` pledges at once, then one every
/// `60 / perMinute` seconds. All kiosks of a venue share one IP address, so the key is the
/// `Kiosk-Id` header, not the address. ``NotFoundLimiter`` keys the same buckets by client address.
///
/// Memory stays bounded: a bucket that has refilled is the same as no bucket, so such buckets are
/// dropped by a sweep at most once per refill time (`burst / perMinute` minutes); and the table
/// never holds more than `capacity` keys: when a new key would pass that, the half of the buckets
/// with the most tokens (the least held back) is dropped, so a flood of distinct keys (addresses
/// are cheap in IPv6) cannot grow it, and keeps the clients that are being slowed down.
public final class KioskRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    struct Table {
        var buckets: [String: Bucket] = [:]
        var lastSweep: ContinuousClock.Instant
    }

    let perSecond: Double
    let burst: Double
    /// The most keys the table holds.
    public let capacity: Int
    /// How often refilled buckets are swept: the time an empty bucket takes to refill (at least 1 s).
    let sweepInterval: Duration
    let now: @Sendable () -> ContinuousClock.Instant
    private let table: Mutex<Table>

    /// - Parameter capacity: the most keys kept (at least 2); 100,000 buckets take about 10 MB.
    public init(
        _ limit: EventConfiguration.RateLimit, capacity: Int = 100_000,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.perSecond = Double(limit.perMinute) / 60
        self.burst = Double(limit.burst)
        self.capacity = max(2, capacity)
        self.sweepInterval =
            perSecond > 0 ? .milliseconds(Int64(max(1, min(86_400, burst / perSecond)) * 1000)) : .seconds(60)
        self.now = now
        self.table = Mutex(Table(lastSweep: now()))
    }

    /// How many keys the table holds now.
    public var trackedKeys: Int { table.withLock { $0.buckets.count } }

    /// The tokens `bucket` has at `time`, refilled since its last update (at most `burst`).
    func tokens(_ bucket: Bucket, at time: ContinuousClock.Instant) -> Double {
        let elapsed = time - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return min(burst, bucket.tokens + max(0, seconds) * perSecond)
    }

    /// Nil when `key` has a token left (without taking it), else the whole seconds until it has.
    public func waitTime(key: String) -> Int? {
        let time = now()
        return table.withLock { table in
            guard let bucket = table.buckets[key] else { return nil }
            let tokens = tokens(bucket, at: time)
            return tokens >= 1 ? nil : max(1, Int(((1 - tokens) / perSecond).rounded(.up)))
        }
    }

    /// Takes one token for `kioskID`; nil when it was there, else the whole seconds until one is.
    public func take(kioskID: String) -> Int? {
        let time = now()
        return table.withLock { table in
            if time - table.lastSweep >= sweepInterval { sweep(&table, at: time) }
            if table.buckets[kioskID] == nil, table.buckets.count >= capacity { evict(&table, at: time) }
            var bucket = table.buckets[kioskID] ?? Bucket(tokens: burst, updated: time)
            bucket.tokens = tokens(bucket, at: time)
            bucket.updated = time
            defer { table.buckets[kioskID] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }

    /// Gives back the token ``take(kioskID:)`` took for a pledge the service could not store (the
    /// disk full, the database gone): a kiosk's retries after an outage are not refused with 429
    /// once the service can store again. Never above `burst`.
    public func giveBack(kioskID: String) {
        let time = now()
        table.withLock { table in
            guard var bucket = table.buckets[kioskID] else { return }
            bucket.tokens = min(burst, tokens(bucket, at: time) + 1)
            bucket.updated = time
            table.buckets[kioskID] = bucket
        }
    }

    /// Drops the buckets that have refilled: they hold back nobody.
    private func sweep(_ table: inout Table, at time: ContinuousClock.Instant) {
        table.lastSweep = time
        table.buckets = table.buckets.filter { tokens($0.value, at: time) < burst }
    }

    /// Makes room: drops refilled buckets, then, while over half the capacity, those with the most tokens.
    private func evict(_ table: inout Table, at time: ContinuousClock.Instant) {
        sweep(&table, at: time)
        let excess = table.buckets.count - capacity / 2
        guard excess > 0 else { return }
        let fullest = table.buckets.map { (key: $0.key, tokens: tokens($0.value, at: time)) }
            .sorted { $0.tokens > $1.tokens }
        for entry in fullest.prefix(excess) { table.buckets[entry.key] = nil }
    }
}

extension ProblemDetails {
    /// 429 with `Retry-After` (RFC 6585, 4).
    public static func rateLimited(retryAfter seconds: Int) -> ProblemDetails {
        ProblemDetails(
            status: .tooManyRequests, code: PledgeError.Code.rateLimited.rawValue,
            vi: "Kiosk này gửi lời cam kết quá nhanh. Thử lại sau \(seconds) giây.",
            en: "This kiosk is sending pledges too fast. Try again in \(seconds) second\(seconds == 1 ? "" : "s")."
        ).retrying(after: seconds)
    }
}
