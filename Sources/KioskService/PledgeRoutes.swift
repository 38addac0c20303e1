import Foundation
import HTTPTypes
import Hummingbird
import KioskAPI
import KioskHTTP
import Logging
import PledgeKit

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name(HeaderName.idempotencyKey)!
    static let kioskID = HTTPField.Name(HeaderName.kioskID)!
}

/// `POST /api/pledges` and `GET /api/counts`.
struct PledgeRoutes: Sendable {
    let recorder: any PledgeRecorder
    let counter: any PledgeCounter
    /// Per-kiosk submission limits; nil: none.
    var limiter: KioskRateLimiter? = nil
    /// Tells a retry of a recorded pledge, which the limit lets through; nil: none is told.
    var recordedKeys: (any RecordedKeys)? = nil
    /// Who may record pledges: the kiosk token, when one is configured.
    var access = KioskAccess(token: nil)
    /// Counts the refusals made here, before the store (which counts its own).
    var metrics: ServiceMetrics? = nil

    func add(to router: Router<KioskRequestContext>) {
        router.post("/api/pledges", use: record)
        // Public: groups below k = 5 merged, the newest pledges of each kiosk withheld (PublicCounts).
        router.get("/api/counts") { _, _ in
            let counts: PledgeCounts
            do throws(PledgeError) { counts = try await counter.publicCounts() } catch { throw ProblemDetails(error) }
            return try jsonResponse(counts)
        }
    }

    /// Records a pledge and answers 201 only after its transaction has committed. A retry with the
    /// same `Idempotency-Key` and body gets the same receipt; with another body, 409. Without the
    /// kiosk token (when one is configured), 401.
    @Sendable func record(_ request: Request, context: KioskRequestContext) async throws -> Response {
        let (draft, code, key, kioskID): (PledgeDraft, CertificateCode?, IdempotencyKey, KioskID?)
        do {
            (draft, code, key, kioskID) = try await accept(request, context: context)
        } catch {
            metrics?.refused(Self.reason(error))
            throw error
        }
        do {
            let outcome = try await recorder.record(draft, key: key, kioskID: kioskID, code: code)
            // The service's recorder is a store: it commits or throws, it never queues.
            guard case .recorded(let receipt) = outcome else { throw ProblemDetails.internalError }
            var response = try jsonResponse(receipt, status: .created)
            response.headers[.location] = "/c/\(receipt.code.rawValue)"
            return response
        } catch let error as PledgeError {
            let problem = ProblemDetails(error)
            // Not stored through no fault of the kiosk: its rate limit is not spent.
            if problem.status == .serviceUnavailable { limiter?.giveBack(kioskID: kioskID?.rawValue ?? "") }
            throw problem
        }
    }

    /// Everything checked before the store: the kiosk token, the headers, the body, the rate limit.
    private func accept(_ request: Request, context: KioskRequestContext) async throws -> (
        PledgeDraft, CertificateCode?, IdempotencyKey, KioskID?
    ) {
        // First: a request without the kiosk token must not spend a kiosk's rate limit, nor store.
        try access.check(request)
        do {
            let key = try IdempotencyKey(request.headers[.idempotencyKey] ?? "")
            let kioskID = try request.headers[.kioskID].map { (text) throws(PledgeError) in
                // `phone` is the web flow's: a kiosk must not count as phones.
                guard let id = KioskID(text), id.isKioskOwn else { throw PledgeError.invalidKioskID }
                return id
            }
            try request.requireJSONBody()
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            let (draft, code) = try PledgeRequestBody.parse(Data(buffer.readableBytesView))
            // Per kiosk id, not per address: every kiosk of a venue shares one.
            // A retry of a stored pledge records nothing, so it gets its answer whatever the limit.
            if let limiter, let wait = limiter.take(kioskID: kioskID?.rawValue ?? ""),
                try await !(recordedKeys?.isRecorded(idempotencyKey: key) ?? false)
            {
                throw ProblemDetails.rateLimited(retryAfter: wait)
            }
            return (draft, code, key, kioskID)
        } catch let error as PledgeError {
            throw ProblemDetails(error)
        }
    }

    /// The refusal's code for ``MetricName/pledgesRefused``: the problem's, or HTTP's status.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let problem as ProblemDetails: problem.code
        case let error as PledgeError: error.code.rawValue
        case let error as any HTTPResponseError: "http-\(error.status.code)"
        default: "other"
        }
    }
}
