import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskClient
import PledgeKit
import Testing

/// Which answers make a front drop a pledge from its outbox: only those that say it can never be
/// recorded as sent. A breaker's proxy answered 408 and the front deleted two pledges whose QR
/// the signers already held.
@Suite("A front's client: which answers drop a pledge")
struct ClientStatusTests {
    @Test(arguments: [
        (408, false), (404, false), (403, false), (425, false), (429, false), (500, false), (503, false),
        (400, true), (409, true), (413, true), (415, true), (422, true),
    ])
    func onlyAnswersThatRefuseThePledgeForGoodDropIt(status: Int, refused: Bool) async throws {
        let router = Router()
        router.post("/api/pledges") { _, _ in
            Response(
                status: HTTPResponse.Status(code: status),
                headers: [.contentType: "application/problem+json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":\#(status),"code":"x","title":"x"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let front = ServiceClient(
                baseURL: URL(string: "http://127.0.0.1:\(client.port!)")!, kioskID: try #require(KioskID("kiosk-02")),
                timeout: 60)
            let draft = PledgeDraft(name: nil, ageBand: .from18To24, province: nil, guardianConsent: false)
            let outcome = await front.record(draft, key: try IdempotencyKey("k-\(status)"), code: .random())
            switch outcome {
            case .refused: #expect(refused, "\(status) must keep the pledge for another try")
            case .later(_, let reachable): #expect(!refused && reachable, "\(status) must refuse the pledge")
            default: Issue.record("\(status): \(outcome)")
            }
        }
    }
}
