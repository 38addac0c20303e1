import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PledgeKit

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let kioskID = HTTPField.Name("Kiosk-Id")!
}

/// `POST /api/pledges` and `GET /api/counts`.
struct PledgeRoutes: Sendable {
    let service: any PledgeService
    /// Per-kiosk submission limits; nil: none.
    var limiter: KioskRateLimiter? = nil
    /// Who may record pledges: the kiosk token, when one is configured.
    var access = KioskAccess(token: nil)
    /// Counts the refusals made here, before the store (which counts its own).
    var metrics: ServiceMetrics? = nil

    func add(to router: Router<KioskRequestContext>) {
        router.post("/api/pledges", use: record)
        // Public: groups below k = 5 merged, the newest pledges of each kiosk withheld (PublicCounts).
        router.get("/api/counts") { _, _ in
            let counts: PledgeCounts
            do throws(PledgeError) { counts = try await service.publicCounts() } catch { throw ProblemDetails(error) }
            return try jsonResponse(counts)
        }
    }

    func counts() async throws -> PledgeCounts {
        do { return try await service.counts() } catch { throw ProblemDetails(error) }
    }

    /// Records a pledge and answers 201 only after its transaction has committed. A retry with the
    /// same `Idempotency-Key` and body gets the same receipt; with another body, 409. Without the
    /// kiosk token (when one is configured), 401.
    @Sendable func record(_ request: Request, context: KioskRequestContext) async throws -> Response {
        let (draft, code, key, kioskID): (PledgeDraft, CertificateCode?, IdempotencyKey, String?)
        do {
            (draft, code, key, kioskID) = try await accept(request, context: context)
        } catch {
            metrics?.refused(Self.reason(error))
            throw error
        }
        do {
            let receipt = try await service.record(draft, idempotencyKey: key, kioskID: kioskID, code: code)
            var response = try jsonResponse(receipt, status: .created, body: receipt.json.map { ByteBuffer(bytes: $0) })
            response.headers[.location] = "/c/\(receipt.code.rawValue)"
            return response
        } catch let error as PledgeError {
            let problem = ProblemDetails(error)
            // Not stored through no fault of the kiosk: its rate limit is not spent.
            if problem.status == .serviceUnavailable { limiter?.giveBack(kioskID: kioskID ?? "") }
            throw problem
        }
    }

    /// Everything checked before the store: the kiosk token, the headers, the body, the rate limit.
    private func accept(_ request: Request, context: KioskRequestContext) async throws -> (
        PledgeDraft, CertificateCode?, IdempotencyKey, String?
    ) {
        // First: a request without the kiosk token must not spend a kiosk's rate limit, nor store.
        try access.check(request)
        do {
            let key = try IdempotencyKey(request.headers[.idempotencyKey] ?? "")
            let kioskID = try request.headers[.kioskID].map(KioskID.validated)
            guard Self.isJSON(request.headers[.contentType]) else {
                throw ProblemDetails(
                    status: .unsupportedMediaType, code: "unsupported-media-type",
                    vi: "Nội dung phải là JSON (Content-Type: application/json).",
                    en: "The body must be JSON (Content-Type: application/json)."
                )
            }
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            let (draft, code) = try PledgeRequestBody.parse(Data(buffer.readableBytesView))
            // Per kiosk id, not per address: every kiosk of a venue shares one.
            // A retry of a stored pledge records nothing, so it gets its answer whatever the limit.
            if let limiter, let wait = limiter.take(kioskID: kioskID ?? ""),
                try await !service.isRecorded(idempotencyKey: key)
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

extension PledgeRoutes {
    /// `application/json`, with no parameter but `charset=utf-8` (RFC 8259, 8.1: JSON is UTF-8).
    /// A missing Content-Type is taken as JSON, for simple clients.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return true }
        if contentType == "application/json" { return true }
        let parts = contentType.lowercased().split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first == "application/json" else { return false }
        return parts.dropFirst().allSatisfy { $0.replacingOccurrences(of: "\"", with: "") == "charset=utf-8" }
    }
}

/// Kiosk ids come from fronts in a header: short, plain ASCII, so they can never carry markup.
enum KioskID {
    static func validated(_ text: String) throws(PledgeError) -> String {
        guard (1...64).contains(text.utf8.count),
            text.utf8.allSatisfy({
                $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0)
                    || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            })
        else {
            throw PledgeError(
                .invalidRequest, field: "Kiosk-Id",
                vi: "Mã kiosk không hợp lệ (1–64 chữ cái ASCII, chữ số, - hoặc _).",
                en: "Invalid Kiosk-Id (1–64 ASCII letters, digits, - or _)."
            )
        }
        return text
    }
}

/// A JSON answer with keys in a stable order; `body`, when given, is `value` already encoded so.
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, body: ByteBuffer? = nil) throws
    -> Response
{
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: .init(byteBuffer: try body ?? jsonBytes(value)))
}

/// `value` as JSON (RFC 8259), keys sorted, slashes not escaped.
func jsonBytes(_ value: some Encodable) throws -> ByteBuffer {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return ByteBuffer(bytes: try encoder.encode(value))
}

extension PledgeReceipt {
    /// The receipt as ``jsonBytes(_:)`` writes it, written directly:
    /// `{"certificateUrl":"…","code":"…","id":"…","number":…}`; nil when a string holds a
    /// character JSON would escape or anything but printable ASCII (then the encoder writes it).
    var json: [UInt8]? {
        let url = certificateUrl.utf8
        guard
            url.allSatisfy({ (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(url.count + 100)
        bytes += #"{"certificateUrl":""#.utf8
        bytes += url
        bytes += #"","code":""#.utf8
        bytes += code.rawValue.utf8
        bytes += #"","id":""#.utf8
        bytes += id.uuidString.utf8
        bytes += #"","number":"#.utf8
        bytes += String(number).utf8
        bytes += "}".utf8
        return bytes
    }
}
