import Foundation
import Hummingbird
import KioskAPI
import KioskHTTP
import PledgeKit

/// `POST /api/pledges/search`: a front's attendant finds a signer who lost the certificate code
/// (issue 17, item 5). Behind ``KioskAccess`` (the kiosk token, as the front's other calls), this
/// event's pledges only, at most ``SignerSearch/maximumLimit`` of them. The name comes in the body
/// (``SignerSearchRequest``), never in the URL, which access logs keep; nothing here logs it.
struct SignerSearchRoutes: Sendable {
    let finder: any SignerFinder
    let access: KioskAccess

    func add(to router: Router<KioskRequestContext>) {
        router.post("/api/pledges/search", use: search)
    }

    /// 200 with ``SignerSearchAnswer``; 401 without the kiosk token; 400 for a body that is not
    /// a search (``SignerSearchRequest/parse(_:)``); 415 for another media type; 503 when the
    /// pledges cannot be read.
    @Sendable func search(_ request: Request, context: KioskRequestContext) async throws -> Response {
        try access.check(request)
        try request.requireJSONBody()
        do {
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            let (name, limit) = try SignerSearchRequest.parse(Data(buffer.readableBytesView))
            let found = try await finder.findSigners(named: name, limit: limit)
            return try jsonResponse(SignerSearchAnswer(pledges: found))
        } catch let error as PledgeError {
            throw ProblemDetails(error)
        }
    }
}
