import Foundation
import KioskAPI
import PledgeKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What happened to one upload of a pledge.
public enum UploadOutcome: Sendable, Equatable {
    /// The service committed it (now or before, under the same idempotency key).
    case recorded(PledgeReceipt)
    /// The service refused it for good: 400, 409, 413, 415 or 422 (``ServiceClient/refusesForGood(_:)``).
    case refused(PledgeError)
    /// Not now: no connection, a timeout, 408, 429, 5xx or any other answer; try again after the
    /// seconds given.
    case later(retryAfter: Int?, reachable: Bool)
    /// 401: the service wants a kiosk token this front does not have. The pledge stays in the
    /// outbox: a setting to fix, not a refusal of the pledge.
    case unauthorized
}

/// What the outbox needs of the service (``ServiceClient`` over HTTP; a fake in unit tests).
public protocol KioskServiceClient: Sendable {
    /// The service's address, for messages.
    var baseURL: URL { get }
    /// Uploads one pledge with its key and code (the draft's `signedAt` is when it was signed).
    func record(_ draft: PledgeDraft, key: IdempotencyKey, code: CertificateCode) async -> UploadOutcome
    /// Sends a heartbeat; the service's answer, or nil when it cannot be reached or refuses it.
    func heartbeat(_ beat: KioskHeartbeat) async -> KioskConfigAnswer?
    /// The service's public counts; nil when it cannot be reached.
    func counts() async -> PledgeCounts?
}

/// The kiosk service's HTTP API as a front on the LAN uses it (`kiosk front --service URL`).
/// Every request carries the `Kiosk-Id` header and, when there is one, the kiosk token as
/// `Authorization: Bearer <token>`; none waits longer than ``timeout``.
public struct ServiceClient: KioskServiceClient {
    public let baseURL: URL
    public let kioskID: KioskID
    /// The kiosk token the service requires (`service.kioskToken` or `KIOSK_KIOSK_TOKEN`); nil: none sent.
    let token: String?
    let session: URLSession

    public typealias Outcome = UploadOutcome

    /// - Parameter token: the kiosk token; nil or empty: no `Authorization` header.
    public init(baseURL: URL, kioskID: KioskID, token: String? = nil, timeout: TimeInterval = 3) {
        self.baseURL = baseURL
        self.kioskID = kioskID
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = 2
        self.session = URLSession(configuration: configuration)
    }

    /// `POST /api/pledges` with the pledge's idempotency key, its code and when it was signed
    /// (the draft's `signedAt`, sent as RFC 3339 in UTC with milliseconds).
    public func record(_ draft: PledgeDraft, key: IdempotencyKey, code: CertificateCode) async -> Outcome {
        var request = URLRequest(url: baseURL.appendingPathComponent(APIPath.pledges))
        request.httpMethod = "POST"
        request.setValue(key.rawValue, forHTTPHeaderField: HeaderName.idempotencyKey)
        request.httpBody = PledgeRequestBody(draft: draft, code: code).data()
        guard let (status, data, response) = await send(request) else {
            return .later(retryAfter: nil, reachable: false)
        }
        switch status {
        case 200, 201:
            guard let receipt = try? WireJSON.decode(PledgeReceipt.self, from: data) else {
                return .later(retryAfter: nil, reachable: true)
            }
            return .recorded(receipt)
        case 401:
            return .unauthorized
        case _ where Self.refusesForGood(status):
            return .refused(Self.problem(data, status: status))
        default:
            let seconds = response.value(forHTTPHeaderField: HeaderName.retryAfter).flatMap { Int($0) }
            return .later(retryAfter: seconds, reachable: true)
        }
    }

    /// Whether `status` says this pledge can never be recorded as sent (RFC 9110, 15.5): a body
    /// the service cannot read (400, 413, 415), a key or code already used for another pledge (409),
    /// a draft the rules refuse (422). Every other answer (408, 404 from a proxy, 429, 5xx, ...)
    /// keeps the pledge in the outbox for another try: dropping it would lose a pledge whose code
    /// the signer already holds.
    static func refusesForGood(_ status: Int) -> Bool {
        [400, 409, 413, 415, 422].contains(status)
    }

    /// `POST /api/kiosks/{id}/heartbeat`; nil when the service cannot be reached or refuses it
    /// (a 401 for a missing or wrong kiosk token too).
    public func heartbeat(_ beat: KioskHeartbeat) async -> KioskConfigAnswer? {
        var request = URLRequest(url: baseURL.appendingPathComponent(APIPath.heartbeat(kioskID)))
        request.httpMethod = "POST"
        request.httpBody = try? WireJSON.encode(beat)
        guard let (status, data, _) = await send(request), status == 200 else { return nil }
        return try? WireJSON.decode(KioskConfigAnswer.self, from: data)
    }

    /// `GET /api/kiosk-config`: the certificate link base and event of the running service; nil
    /// when it cannot be reached or does not answer so.
    public func kioskConfig() async -> KioskConfigAnswer? {
        guard let (status, data, _) = await send(URLRequest(url: baseURL.appendingPathComponent(APIPath.kioskConfig))),
            status == 200
        else { return nil }
        return try? WireJSON.decode(KioskConfigAnswer.self, from: data)
    }

    /// `GET /api/counts`; nil when the service cannot be reached.
    public func counts() async -> PledgeCounts? {
        guard let (status, data, _) = await send(URLRequest(url: baseURL.appendingPathComponent(APIPath.counts))),
            status == 200
        else { return nil }
        return try? WireJSON.decode(PledgeCounts.self, from: data)
    }

    func send(_ original: URLRequest) async -> (Int, Data, HTTPURLResponse)? {
        var request = original
        request.setValue(kioskID.rawValue, forHTTPHeaderField: HeaderName.kioskID)
        if let token { request.setValue(HeaderName.bearer(token), forHTTPHeaderField: HeaderName.authorization) }
        if request.httpBody != nil { request.setValue(MediaType.json, forHTTPHeaderField: HeaderName.contentType) }
        guard let (data, response) = try? await session.data(for: request),
            let http = response as? HTTPURLResponse
        else { return nil }
        return (http.statusCode, data, http)
    }

    /// The service's problem detail (``Problem``) as a ``PledgeError``.
    static func problem(_ data: Data, status: Int) -> PledgeError {
        guard let problem = try? WireJSON.decode(Problem.self, from: data) else {
            return PledgeError(
                .invalidRequest, vi: "Máy chủ từ chối lời cam kết (HTTP \(status)).",
                en: "The service refused the pledge (HTTP \(status)).")
        }
        return problem.error
    }
}
