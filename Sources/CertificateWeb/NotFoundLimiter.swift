import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import NIOCore
import PledgeKit

/// Slows down a client that guesses certificate codes: each client address may draw `burst`
/// 404s on code lookups (`/c/…`, `/v`), then `perMinute` a minute; past that, its code lookups
/// answer 429 with `Retry-After` until its bucket refills. Codes carry 80 random bits, so
/// guessing is hopeless anyway; this keeps a prober from loading the service. Pledges, pages
/// and counts are not limited here (every kiosk and phone of a venue may share one address).
/// The table of addresses is bounded (see ``KioskRateLimiter``): refilled buckets are swept, and a
/// flood of distinct addresses cannot hold more than `capacity` of them.
public struct NotFoundLimiter: RouterMiddleware {
    public typealias Context = KioskRequestContext

    let buckets: KioskRateLimiter

    public init(
        perMinute: Int, burst: Int, capacity: Int = 100_000,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        buckets = KioskRateLimiter(.init(perMinute: perMinute, burst: burst), capacity: capacity, now: now)
    }

    static func isLookup(_ path: String) -> Bool {
        path.hasPrefix("/c/") || path.hasPrefix("/C/") || path == "/v" || path.hasPrefix("/v?")
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        guard request.method == .get || request.method == .head, Self.isLookup(request.uri.path) else {
            return try await next(request, context)
        }
        return try await limited(request, context: context, next: next)
    }

    /// A lookup, counted: apart so that other requests' async frames stay small (each connection's
    /// task keeps the memory of its deepest frames, H3 in BENCHMARKS.md).
    func limited(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let client = context.limitKey
        if let wait = buckets.waitTime(key: client) {
            throw ProblemDetails.tooManyNotFound(retryAfter: wait)
        }
        do {
            let response = try await next(request, context)
            if response.status == .notFound { _ = buckets.take(kioskID: client) }
            return response
        } catch let problem as ProblemDetails where problem.status == .notFound {
            _ = buckets.take(kioskID: client)
            throw problem
        } catch let error as HTTPError where error.status == .notFound {
            _ = buckets.take(kioskID: client)
            throw error
        }
    }
}

extension ProblemDetails {
    static func tooManyNotFound(retryAfter seconds: Int) -> ProblemDetails {
        ProblemDetails(
            status: .tooManyRequests, code: "too-many-lookups",
            vi: "Quá nhiều mã không tồn tại từ địa chỉ này. Thử lại sau \(seconds) giây.",
            en: "Too many unknown codes from this address. Try again in \(seconds) second\(seconds == 1 ? "" : "s")."
        ).retrying(after: seconds)
    }
}
