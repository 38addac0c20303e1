import Foundation
import Hummingbird
import PledgeKit
import Synchronization

/// Token buckets keyed by kiosk id: each kiosk may send `burst` pledges at once, then one every
/// `60 / perMinute` seconds. All kiosks of a venue share one IP address, so the key is the
/// `Kiosk-Id` header, not the address.
public final class KioskRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let perSecond: Double
    let burst: Double
    let now: @Sendable () -> ContinuousClock.Instant
    private let buckets = Mutex([String: Bucket]())

    public init(
        _ limit: EventConfiguration.RateLimit,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.perSecond = Double(limit.perMinute) / 60
        self.burst = Double(limit.burst)
        self.now = now
    }

    /// Nil when `key` has a token left (without taking it), else the whole seconds until it has.
    public func waitTime(key: String) -> Int? {
        let time = now()
        return buckets.withLock { buckets in
            guard let bucket = buckets[key] else { return nil }
            let elapsed = time - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let tokens = min(burst, bucket.tokens + max(0, seconds) * perSecond)
            return tokens >= 1 ? nil : max(1, Int(((1 - tokens) / perSecond).rounded(.up)))
        }
    }

    /// Takes one token for `kioskID`; nil when it was there, else the whole seconds until one is.
    public func take(kioskID: String) -> Int? {
        let time = now()
        return buckets.withLock { buckets in
            var bucket = buckets[kioskID] ?? Bucket(tokens: burst, updated: time)
            let elapsed = time - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + max(0, seconds) * perSecond)
            bucket.updated = time
            defer { buckets[kioskID] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}

extension ProblemDetails {
    /// 429 with `Retry-After` (RFC 6585, 4).
    static func rateLimited(retryAfter seconds: Int) -> ProblemDetails {
        var problem = ProblemDetails(
            status: .tooManyRequests, code: PledgeError.Code.rateLimited.rawValue,
            vi: "Kiosk này gửi lời cam kết quá nhanh. Thử lại sau \(seconds) giây.",
            en: "This kiosk is sending pledges too fast. Try again in \(seconds) seconds."
        )
        problem.headers[.retryAfter] = "\(seconds)"
        return problem
    }
}
