import Foundation
import PledgeKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The kiosk service's HTTP API as a front on the LAN uses it (`kiosk front --service URL`).
/// Every request carries the `Kiosk-Id` header and, when there is one, the kiosk token as
/// `Authorization: Bearer <token>`; none waits longer than ``timeout``.
public struct ServiceClient: Sendable {
    public let baseURL: URL
    public let kioskID: String
    /// The kiosk token the service requires (`service.kioskToken` or `KIOSK_KIOSK_TOKEN`); nil: none sent.
    let token: String?
    let session: URLSession

    /// What happened to one upload of a pledge.
    public enum Outcome: Sendable, Equatable {
        /// The service committed it (now or before, under the same idempotency key).
        case recorded(PledgeReceipt)
        /// The service refused it for good (a 4xx other than 429).
        case refused(PledgeError)
        /// Not now: no connection, a timeout, 5xx, or 429; try again after the seconds given.
        case later(retryAfter: Int?, reachable: Bool)
        /// 401: the service wants a kiosk token this front does not have. The pledge stays in the
        /// outbox: a setting to fix, not a refusal of the pledge.
        case unauthorized
    }

    /// - Parameter token: the kiosk token; nil or empty: no `Authorization` header.
    public init(baseURL: URL, kioskID: String, token: String? = nil, timeout: TimeInterval = 3) {
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
        struct Body: Encodable {
            var name: String?
            var ageBand: String
            var province: String?
            var school: String?
            var guardianConsent: Bool
            var code: String
            var signedAt: String?
        }
        let body = Body(
            name: draft.name, ageBand: draft.ageBand.rawValue, province: draft.province?.name, school: draft.school,
            guardianConsent: draft.guardianConsent, code: code.rawValue,
            signedAt: draft.signedAt?.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        var request = URLRequest(url: baseURL.appendingPathComponent("api/pledges"))
        request.httpMethod = "POST"
        request.setValue(key.rawValue, forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = try? JSONEncoder().encode(body)
        guard let (status, data, response) = await send(request) else {
            return .later(retryAfter: nil, reachable: false)
        }
        switch status {
        case 200, 201:
            guard let receipt = try? JSONDecoder().decode(PledgeReceipt.self, from: data) else {
                return .later(retryAfter: nil, reachable: true)
            }
            return .recorded(receipt)
        case 429, 500...599:
            let seconds = response.value(forHTTPHeaderField: "Retry-After").flatMap { Int($0) }
            return .later(retryAfter: seconds, reachable: true)
        case 401:
            return .unauthorized
        default:
            return .refused(Self.problem(data, status: status))
        }
    }

    /// `POST /api/kiosks/{id}/heartbeat`; nil when the service cannot be reached or refuses it
    /// (a 401 for a missing or wrong kiosk token too).
    public func heartbeat(_ beat: KioskHeartbeat) async -> KioskConfigAnswer? {
        var request = URLRequest(url: baseURL.appendingPathComponent("api/kiosks/\(kioskID)/heartbeat"))
        request.httpMethod = "POST"
        request.httpBody = try? JSONEncoder().encode(beat)
        guard let (status, data, _) = await send(request), status == 200 else { return nil }
        return try? JSONDecoder().decode(KioskConfigAnswer.self, from: data)
    }

    /// `GET /api/kiosk-config`: the certificate link base and event of the running service; nil
    /// when it cannot be reached or does not answer so.
    public func kioskConfig() async -> KioskConfigAnswer? {
        guard let (status, data, _) = await send(URLRequest(url: baseURL.appendingPathComponent("api/kiosk-config"))),
            status == 200
        else { return nil }
        return try? JSONDecoder().decode(KioskConfigAnswer.self, from: data)
    }

    /// `GET /api/counts`; nil when the service cannot be reached.
    public func counts() async -> PledgeCounts? {
        guard let (status, data, _) = await send(URLRequest(url: baseURL.appendingPathComponent("api/counts"))),
            status == 200
        else { return nil }
        return try? JSONDecoder().decode(PledgeCounts.self, from: data)
    }

    private func send(_ original: URLRequest) async -> (Int, Data, HTTPURLResponse)? {
        var request = original
        request.setValue(kioskID, forHTTPHeaderField: "Kiosk-Id")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if request.httpBody != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        guard let (data, response) = try? await session.data(for: request),
            let http = response as? HTTPURLResponse
        else { return nil }
        return (http.statusCode, data, http)
    }

    /// The service's problem detail as a ``PledgeError``.
    static func problem(_ data: Data, status: Int) -> PledgeError {
        struct Problem: Decodable {
            var code: String
            var field: String?
            var messages: Localized<String>
        }
        guard let problem = try? JSONDecoder().decode(Problem.self, from: data) else {
            return PledgeError(
                .invalidRequest, vi: "Máy chủ từ chối lời cam kết (HTTP \(status)).",
                en: "The service refused the pledge (HTTP \(status)).")
        }
        return PledgeError(
            PledgeError.Code(rawValue: problem.code), field: problem.field, vi: problem.messages.vi,
            en: problem.messages.en)
    }
}
