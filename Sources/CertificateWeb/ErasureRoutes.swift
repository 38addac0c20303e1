import Foundation
import HTTPTypes
import Hummingbird
import KioskAPI
import KioskHTTP
import KioskPages
import Logging
import PledgeKit

/// Erases the name (and school) of one pledge for its signer: the event's store, or the national
/// hub's (which also sends the erasure to the pledge's event).
public protocol SignerErasure: Sendable {
    /// Erases the name and school of the pledge with `code`; false when no pledge has it.
    /// - Throws: ``PledgeError`` `unavailable` when the store cannot commit now (503).
    func erasePersonalData(code: CertificateCode) async throws(PledgeError) -> Bool

    /// Whether a code with no pledge here may still be erased: the hub's answer for a code its
    /// event issued whose pledge is on its way (the erasure waits for it and wins). The event's
    /// store holds every pledge it issued, so its answer is false.
    func erasesBeforeArrival(code: CertificateCode) async throws(PledgeError) -> Bool
}

extension SignerErasure {
    public func erasesBeforeArrival(code: CertificateCode) async throws(PledgeError) -> Bool { false }
}

/// A signer erases their own name: `GET /c/{code}/erase` asks for confirmation, `POST
/// /c/{code}/erase` erases the name and school and returns to the certificate, which then shows
/// "Người ký ẩn danh" (Decree 13/2023/NĐ-CP, Art. 16: deletion on the data subject's request).
/// The certificate code in the path is the proof of being the signer; the count is unchanged.
/// Then every cached page and document of that code is dropped (keys `CODE/…`), so no copy of
/// the name stays in memory (they could not be served anyway: their keys hold the old name).
/// Then the copies of the database the service keeps (scheduled backups) are brought in line
/// (`afterErasure`); the 303 says how many in `Kiosk-Backups-Updated` and
/// `Kiosk-Backups-Unreachable` (0: every one was reached). The same page and flow serve the event
/// service and the national hub, each over its own ``SignerErasure``.
public struct ErasureRoutes: Sendable {
    let lookup: any PledgeLookup
    let erasure: any SignerErasure
    /// The certificate routes, whose cached pages and documents of a code are dropped after its
    /// erasure; nil: none are kept.
    let site: CertificateSite?
    let afterErasure: (@Sendable () async -> ErasureCopies)?

    /// - Parameters:
    ///   - lookup: finds the pledge the path names (404 when none has the code).
    ///   - erasure: erases its name.
    ///   - site: the certificate routes whose copies of the code are dropped; nil: none kept.
    ///   - afterErasure: brings the service's copies of its database in line (scheduled
    ///     backups); nil: it keeps none.
    public init(
        lookup: any PledgeLookup, erasure: any SignerErasure, site: CertificateSite? = nil,
        afterErasure: (@Sendable () async -> ErasureCopies)? = nil
    ) {
        self.lookup = lookup
        self.erasure = erasure
        self.site = site
        self.afterErasure = afterErasure
    }

    /// Adds `GET` and `POST /c/{code}/erase` (and `/C/…`) to `router`.
    public func add(to router: Router<KioskRequestContext>) {
        for prefix in ["c", "C"] {
            router.get("/\(prefix)/:code/erase") { _, context in
                let target = try await target(context)
                return htmlResponse(
                    ErasurePage.html(code: target.code, erased: target.erased), cacheControl: "no-store")
            }
            router.post("/\(prefix)/:code/erase") { _, context in
                let target = try await target(context)
                // Also when the erasure committed but its bytes are not yet out of the file (503).
                defer { site?.forget(target.code) }
                do {
                    _ = try await erasure.erasePersonalData(code: target.code)
                } catch let error as PledgeError {
                    throw ProblemDetails(error)
                }
                var headers: HTTPFields = [.location: "/c/\(target.code.rawValue)"]
                // The pledge's id, or none for a pledge still on its way (no personal data either way).
                var metadata: Logger.Metadata = ["pledge.id": "\(target.id.map { "\($0)" } ?? "on its way")"]
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

    /// The code the path names and whether its name is already gone: a pledge found by
    /// `lookup`, or a code ``SignerErasure/erasesBeforeArrival(code:)`` accepts (not erased yet as
    /// far as this page can tell); 404 otherwise.
    func target(_ context: KioskRequestContext) async throws -> (code: CertificateCode, id: UUID?, erased: Bool) {
        guard let code = context.certificateCode else { throw ProblemDetails.notFound }
        do {
            if let found = try await lookup.pledge(code: code) {
                return (found.code, found.id, found.name == nil && found.school == nil)
            }
            guard try await erasure.erasesBeforeArrival(code: code) else { throw ProblemDetails.notFound }
        } catch let error as PledgeError {
            throw ProblemDetails(error)
        }
        return (code, nil, false)
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
    public static let updatedField = HTTPField.Name(HeaderName.backupsUpdated)!
    /// The response header with ``unreachable``.
    public static let unreachableField = HTTPField.Name(HeaderName.backupsUnreachable)!
}
