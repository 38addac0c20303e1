import Foundation
import HTTPTypes
import Hummingbird
import KioskAPI
import KioskHTTP
import KioskPages
import PledgeKit

/// The steps every entry of the web pledge flow shares (a phone's `/p`, a tablet's `/tablet`):
/// reading the posted form into the page, and signing. Each entry adds its own admission (a
/// presence code, a tablet's credential), its own limits and where a signature leads.
extension PhonePledgeRoutes {
    /// A submission read: the form and the page it fills, or the answer already made (a refusal,
    /// the language switch, the edit step).
    enum Reading {
        case form(ReadForm)
        case answered(Response)
    }

    struct ReadForm {
        var form: PledgeForm
        var page: PledgeFlowPage
    }

    /// Reads the posted form (`application/x-www-form-urlencoded`, at most 16 KiB) into `blank`:
    /// what was typed, the language, the idempotency key (a new one when the form has none). A
    /// wrong content type (415) or an unreadable form (400) is answered here, a page for a browser
    /// and a problem detail for any other client; so are `step=edit` and the language switch,
    /// which show the page again with what was typed.
    /// - Parameter placing: the blank page for the form's presence (a phone's: the event its code
    ///   is for, at the hub one of many); nil: `blank` with the form's presence code.
    func read(
        _ request: Request, into blank: PledgeFlowPage,
        placing: ((PledgeForm) async throws -> PledgeFlowPage)? = nil
    ) async throws -> Reading {
        let html = request.acceptsHTML
        var page = blank
        page.idempotencyKey = IdempotencyKey.random().rawValue
        try request.requireNoContentCoding()
        guard MediaType.isForm(request.headers[.contentType]) else {
            let problem = PledgeError(
                .unsupportedMediaType, field: "Content-Type",
                vi: "Biểu mẫu phải gửi dạng application/x-www-form-urlencoded.",
                en: "The form must be sent as application/x-www-form-urlencoded.")
            return .answered(try refuse(page, problem, status: .unsupportedMediaType, html: html))
        }
        let form: PledgeForm
        do {
            form = try await URLEncodedFormDecoder().decode(
                PledgeForm.self, from: String(buffer: request.collectBody(upTo: 16 * 1024)))
        } catch let problem as ProblemDetails {
            guard html else { throw problem }
            page.problem = PledgeError(.invalidRequest, vi: problem.messages.vi, en: problem.messages.en)
            var response = respond(page, status: problem.status)
            response.headers[.connection] = "close"
            return .answered(response)
        } catch {
            let problem = PledgeError(
                .invalidRequest, vi: "Biểu mẫu không đọc được.", en: "The form cannot be read.")
            return .answered(try refuse(page, problem, status: .badRequest, html: html))
        }
        let key = page.idempotencyKey
        if let placing {
            page = try await placing(form)
            page.idempotencyKey = key
        } else {
            page.presence = form.presence.flatMap(PresenceCodes.canonical) ?? "0"
        }
        // The language switch is a button of the form: what was typed comes along.
        page.language = form.switchLanguage ?? form.language ?? page.language
        page.name = form.typedName
        page.ageBand = form.ageBand.flatMap(AgeBand.init(rawValue:))
        page.province = form.province.flatMap { Province(matching: $0) }
        page.guardianConsent = form.consent == "yes"
        let formKey = form.key.flatMap { try? IdempotencyKey($0) }
        page.idempotencyKey = formKey?.rawValue ?? page.idempotencyKey
        if form.step == "edit" || form.switchLanguage != nil {
            page.step = form.step == "sign" ? .review : .form
            return .answered(respond(page))
        }
        return .form(ReadForm(form: form, page: page))
    }

    /// Records the signature through `record`, then answers 303 to `location(code)`: only after
    /// the durable commit, so a page that follows it may say "done". A signature sent again (the
    /// same key) is answered with its certificate whatever the limits; otherwise `limits` returns
    /// the seconds to wait (429) or nil. The same form changed after signing (the back button)
    /// gets 409 and a new key; any other refusal its problem detail.
    func sign(
        key: IdempotencyKey, page: PledgeFlowPage, html: Bool, limits: () -> Int?,
        record: () async throws(PledgeError) -> RecordOutcome, location: (CertificateCode) -> String
    ) async throws -> Response {
        let again = await site.isRecorded(idempotencyKey: key)
        if !again, let wait = limits() {
            return try slowDown(page, wait: wait, html: html)
        }
        do {
            let outcome = try await record()
            return Response(status: .seeOther, headers: [.location: location(outcome.code)])
        } catch  where error.code == .idempotencyKeyReused {
            // Signed already with this form, and changed since (the back button): a new signature
            // needs a new tap on the button, with a new key.
            var page = page
            page.idempotencyKey = IdempotencyKey.random().rawValue
            return try refuse(page, Self.signedAlready, status: .conflict, html: html)
        } catch {
            // A program gets the refusal's own problem detail (its status with its reason phrase).
            guard html else { throw ProblemDetails(error) }
            return try refuse(
                page, error, status: HTTPResponse.Status(code: ProblemDetails(error).statusCode), html: html)
        }
    }
}
