import KioskHTTP
import PledgeKit
import Testing

@testable import CertificateWeb
@testable import KioskService

/// The tables of client addresses (404 limiter) and kiosk ids (pledge limiter) stay bounded.
@Suite("Rate limiter memory")
struct LimiterMemoryTests {
    @Test func afterTheRefillTimeTheTableShrinks() {
        let clock = ManualInstant()
        // 5 at once, then 60 a minute: an empty bucket is full again after 5 s.
        let limiter = NotFoundLimiter(perMinute: 60, burst: 5, now: { clock.now })
        for index in 0..<1000 { _ = limiter.buckets.take(kioskID: "10.0.\(index / 256).\(index % 256)") }
        #expect(limiter.buckets.trackedKeys == 1000)
        clock.advance(.seconds(2))
        for _ in 0..<5 { _ = limiter.buckets.take(kioskID: "10.9.9.9") }
        #expect(limiter.buckets.trackedKeys == 1001, "not refilled yet: every address is remembered")
        clock.advance(.seconds(4))
        _ = limiter.buckets.take(kioskID: "10.9.9.8")
        // The 1,000 have refilled and are dropped; 10.9.9.9 (emptied 4 s ago, full again only
        // after 5 s) is kept, and 10.9.9.8 is new.
        #expect(limiter.buckets.trackedKeys == 2)
    }

    @Test func aFloodOfDistinctAddressesCannotGrowTheTableAndProbersStayLimited() {
        let clock = ManualInstant()
        let limiter = NotFoundLimiter(perMinute: 60, burst: 5, capacity: 1000, now: { clock.now })
        for _ in 0..<6 { _ = limiter.buckets.take(kioskID: "192.0.2.1") }
        #expect(limiter.buckets.waitTime(key: "192.0.2.1") != nil, "the prober is held back")
        var largest = 0
        for index in 0..<100_000 {
            _ = limiter.buckets.take(kioskID: "2001:db8::\(String(index, radix: 16))")
            largest = max(largest, limiter.buckets.trackedKeys)
        }
        #expect(largest <= 1000)
        // Each flooding address took one token of five; the prober took all of its: it is kept.
        #expect(limiter.buckets.waitTime(key: "192.0.2.1") != nil, "the flood did not free the prober")
    }

    @Test func refilledKiosksAreForgotten() {
        let clock = ManualInstant()
        let limiter = KioskRateLimiter(.init(perMinute: 30, burst: 10), now: { clock.now })
        for index in 0..<50 { _ = limiter.take(kioskID: "kiosk-\(index)") }
        #expect(limiter.trackedKeys == 50)
        clock.advance(.seconds(21))  // 1 token takes 2 s to come back; 10 take 20 s
        _ = limiter.take(kioskID: "kiosk-0")
        #expect(limiter.trackedKeys == 1)
        #expect(limiter.take(kioskID: "kiosk-0") == nil, "limits still apply after a sweep")
    }
}

@Suite("Rate-limit messages")
struct RateLimitMessageTests {
    /// Found by a trial: "Try again in 1 seconds".
    @Test func oneSecondIsSingular() {
        #expect(ProblemDetails.rateLimited(retryAfter: 1).messages.en.hasSuffix("Try again in 1 second."))
        #expect(ProblemDetails.rateLimited(retryAfter: 7).messages.en.hasSuffix("Try again in 7 seconds."))
        #expect(ProblemDetails.rateLimited(retryAfter: 1).messages.vi.hasSuffix("Thử lại sau 1 giây."))
    }
}
