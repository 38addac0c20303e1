import Foundation
import KioskAPI
import PledgeKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension ServiceClient: SignerFinder {
    /// `POST /api/pledges/search` with the kiosk token: this event's signers by name, the name in
    /// the body (``SignerSearchRequest``).
    /// - Throws: ``PledgeError``: the service's problem detail (a refused name, a missing kiosk
    ///   token); `unavailable` when it cannot be reached or answers otherwise.
    public func findSigners(named name: String, limit: Int) async throws(PledgeError) -> [FoundSigner] {
        var request = URLRequest(url: baseURL.appendingPathComponent(APIPath.signerSearch))
        request.httpMethod = "POST"
        request.httpBody = try? WireJSON.encode(
            SignerSearchRequest(name: name, limit: max(1, min(limit, SignerSearch.maximumLimit))))
        guard let (status, data, _) = await send(request) else {
            throw PledgeError(.unavailable, vi: "Không kết nối được máy chủ.", en: "The service cannot be reached.")
        }
        if status == 200, let answer = try? WireJSON.decode(SignerSearchAnswer.self, from: data) {
            return answer.pledges
        }
        if let problem = try? WireJSON.decode(Problem.self, from: data) { throw problem.error }
        throw PledgeError(
            .unavailable, vi: "Máy chủ không trả lời được lúc này (HTTP \(status)).",
            en: "The service cannot answer right now (HTTP \(status)).")
    }
}
