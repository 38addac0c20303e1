import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PledgeKit

/// A signer erases their own name: `GET /c/{code}/erase` asks for confirmation, `POST
/// /c/{code}/erase` erases the name and school and returns to the certificate, which then shows
/// "Người ký ẩn danh" (Decree 13/2023/NĐ-CP, Art. 16: deletion on the data subject's request).
/// The certificate code in the path is the proof of being the signer; the count is unchanged.
/// Then every cached page and document of that code is dropped (keys `CODE/…`), so no copy of
/// the name stays in memory (they could not be served anyway: their keys hold the old name).
/// Then the copies of the database the service keeps (scheduled backups) are brought in line
/// (``KioskServiceParts/afterErasure``); the 303 says how many in `Kiosk-Backups-Updated` and
/// `Kiosk-Backups-Unreachable` (0: every one was reached).
struct ErasureRoutes: Sendable {
    let service: any PledgeService
    let organizer: any OrganizerService
    var caches: [DocumentCache] = []
    var afterErasure: (@Sendable () async -> ErasureCopies)? = nil

    func add(to router: Router<KioskRequestContext>) {
        for prefix in ["c", "C"] {
            router.get("/\(prefix)/:code/erase") { _, context in
                let pledge = try await pledge(context)
                return htmlResponse(Self.confirmation(pledge), cacheControl: "no-store")
            }
            router.post("/\(prefix)/:code/erase") { _, context in
                let pledge = try await pledge(context)
                // Also when the erasure committed but its bytes are not yet out of the file (503).
                defer { for cache in caches { cache.removeDocuments(withPrefix: "\(pledge.code.rawValue)/") } }
                do {
                    _ = try await organizer.erasePersonalData(code: pledge.code)
                } catch let error as PledgeError {
                    throw ProblemDetails(error)
                }
                var headers: HTTPFields = [.location: "/c/\(pledge.code.rawValue)"]
                var metadata: Logger.Metadata = ["pledge.id": "\(pledge.id)"]
                if let afterErasure {
                    let copies = await afterErasure()
                    headers[ErasureCopies.updatedField] = "\(copies.updated)"
                    headers[ErasureCopies.unreachableField] = "\(copies.unreachable)"
                    metadata["backups.updated"] = "\(copies.updated)"
                    metadata["backups.unreachable"] = "\(copies.unreachable)"
                }
                context.logger.info("personal data erased on request", metadata: metadata)
                return Response(status: .seeOther, headers: headers)
            }
        }
    }

    func pledge(_ context: KioskRequestContext) async throws -> Pledge {
        guard let code = context.certificateCode else { throw ProblemDetails.notFound }
        let found: Pledge?
        do { found = try await service.pledge(code: code) } catch { throw ProblemDetails(error) }
        guard let found else { throw ProblemDetails.notFound }
        return found
    }

    static func confirmation(_ pledge: Pledge) -> String {
        let code = pledge.code.rawValue
        let body =
            pledge.name == nil && pledge.school == nil
            ? """
            <p>Giấy chứng nhận này không còn tên của bạn. <span class="en" lang="en">This certificate no longer carries your name.</span></p>
            <p><a href="/c/\(code)">Quay lại giấy chứng nhận · Back to the certificate</a></p>
            """
            : """
            <p>Tên (và trường, nếu có) sẽ bị xóa vĩnh viễn khỏi giấy chứng nhận và khỏi dữ liệu của chiến dịch. \
            Giấy chứng nhận sẽ ghi “\(CertificatePage.anonymousName.vi)”; lời cam kết của bạn vẫn được tính.</p>
            <p class="en" lang="en">Your name (and school, if any) will be erased for good from the certificate and the \
            campaign's data. The certificate will read “\(CertificatePage.anonymousName.en)”; your pledge still counts.</p>
            <form method="post" action="/c/\(code)/erase">
              <button type="submit">Xóa tên của tôi · Erase my name</button>
            </form>
            <p><a href="/c/\(code)">Không, quay lại · No, go back</a></p>
            """
        return """
            <!doctype html>
            <html lang="vi">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>Xóa tên khỏi giấy chứng nhận · Erase my name</title>
            <style>body { font-family: "Noto Sans", system-ui, sans-serif; max-width: 36rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.5; }
            .en { color: #555; } button { font-size: 1.1rem; padding: .6rem 1rem; background: #a4262c; color: #fff; border: 0; border-radius: 6px; }</style>
            </head>
            <body><main>
            <h1>Xóa tên khỏi giấy chứng nhận <span class="en" lang="en">· Erase my name</span></h1>
            \(body)
            </main></body></html>
            """
    }
}

/// What an erasure did to the copies of the database the service keeps (scheduled backups).
public struct ErasureCopies: Sendable, Equatable {
    /// Copies changed to match the live database.
    public var updated: Int
    /// Copies (or their folder) that could not be opened or written; fixed at the next backup.
    public var unreachable: Int
    public init(updated: Int, unreachable: Int) {
        self.updated = updated
        self.unreachable = unreachable
    }
    /// The response header with ``updated``.
    public static let updatedField = HTTPField.Name("Kiosk-Backups-Updated")!
    /// The response header with ``unreachable``.
    public static let unreachableField = HTTPField.Name("Kiosk-Backups-Unreachable")!
}
