import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import KioskPages
import PledgeKit

/// `GET /v`: a form where a code read off a printed certificate is typed by hand; `GET /v?code=…`
/// leads to the certificate page (303), which is the proof: a document edited by hand shows a
/// code whose page says something else, or no page at all.
///
/// Codes are read in any case, with or without dashes and spaces, O as 0 and I or L as 1
/// (Crockford's base32). A code of the issued form (27 characters) whose check character fails,
/// or with one character too few, too many or outside the alphabet, is a probable typo
/// (``CertificateCode/reading(_:)``): said so, and never looked up.
struct VerifyRoutes: Sendable {
    let lookup: any PledgeLookup
    /// Codes issued whose pledge has not arrived (at the hub) lead to their page too.
    let events: any CertificateEvents
    let pages: PageTemplates

    func add(to router: Router<KioskRequestContext>) {
        for path in ["/v", "/V"] {
            router.get(RouterPath(path)) { request, _ in try await verify(request) }
        }
    }

    func verify(_ request: Request) async throws -> Response {
        guard let typed = request.uri.queryParameters.get("code"), !typed.isEmpty else {
            return form(code: "", status: .ok, message: nil)
        }
        let reading = typed.count <= 64 ? CertificateCode.reading(typed) : .notACode
        let code: CertificateCode
        switch reading {
        case .code(let read):
            code = read
        case .probableTypo:
            return form(
                code: typed, status: .badRequest,
                message: Localized(
                    vi: "Có lẽ mã bị gõ nhầm: mã 27 ký tự kết thúc bằng một ký tự kiểm tra, và mã vừa nhập "
                        + "không khớp với nó (sai, thiếu hoặc thừa một ký tự). Hãy so lại từng ký tự với giấy chứng nhận.",
                    en: "This code is probably mistyped: a 27-character code ends with a check character, and the "
                        + "code typed does not match it (a character wrong, missing or extra). Compare each "
                        + "character with the certificate."))
        case .notACode:
            return form(
                code: typed, status: .badRequest,
                message: Localized(
                    vi: "Mã không đúng dạng: mã có 16 hoặc 27 ký tự (chữ và số), ví dụ 7KQ2-MX4P-9TZA-B3CD.",
                    en: "This is not a certificate code: 16 or 27 letters and digits, e.g. 7KQ2-MX4P-9TZA-B3CD."))
        }
        let pledge: Pledge?
        let awaited: EventConfiguration?
        do throws(PledgeError) {
            pledge = try await lookup.pledge(code: code)
            awaited = pledge == nil ? try await events.eventAwaited(code: code) : nil
        } catch { throw ProblemDetails(error) }
        guard pledge != nil || awaited != nil else {
            return form(
                code: code.grouped, status: .notFound,
                message: Localized(
                    vi: "Không có giấy chứng nhận nào với mã này. Giấy có mã này không phải giấy thật.",
                    en: "No certificate has this code. A document showing it is not genuine."))
        }
        return Response(status: .seeOther, headers: [.location: "/c/\(code.rawValue)", .cacheControl: "no-store"])
    }

    func form(code: String, status: HTTPResponse.Status, message: Localized<String>?) -> Response {
        var response = htmlResponse(pages.verify(code: code, message: message), cacheControl: "no-store")
        response.status = status
        return response
    }
}
