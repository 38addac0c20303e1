import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP

/// `GET /openapi.json`: the OpenAPI 3.1 document of this API, kept in the repository beside the
/// routes (`Sources/KioskService/openapi.json`); a test checks every route is in it.
enum OpenAPIRoute {
    static let document: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json")
        .flatMap { try? Data(contentsOf: $0) }

    static func add(to router: Router<KioskRequestContext>) {
        router.get("/openapi.json") { _, _ -> Response in
            guard let document else { throw ProblemDetails.notFound }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
