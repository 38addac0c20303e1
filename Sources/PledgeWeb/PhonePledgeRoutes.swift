import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import KioskPages
import PledgeKit

/// The web pledge flow for phones and tablets (issue 16): `GET /p/{presence}` (`/P/…` too, the
/// QR's capitals) shows the pledge and its fields, `POST /p` reviews (`step=review`), goes back
/// (`step=edit`) or signs (`step=sign`): the pledge is recorded through the same recorder as
/// `POST /api/pledges`, under the kiosk id `phone` (``PledgeChannel/phone``), and the answer is a
/// 303 to its certificate page, which shows its QR, code and link.
///
/// Plain forms that work without JavaScript. No cookie, no account: what the signer typed travels
/// in the form, and the review step carries an idempotency key, so signing twice records once.
/// A presence code that is not one of the last few the event showed is refused (a page asking for
/// the code shown now, the draft kept; or a `presence-required` problem detail for a client that
/// does not ask for HTML). Submissions are limited per client address (a school's Wi-Fi puts
/// hundreds of phones behind one, so the burst is large) and per presence code; past either, 429.
public struct PhonePledgeRoutes: Sendable {
    let recorder: any PledgeRecorder
    let presence: PresenceCodes
    let configuration: EventConfiguration
    let now: @Sendable () -> Date
    let perAddress: KioskRateLimiter
    let perPresence: KioskRateLimiter

    /// - Parameters:
    ///   - recorder: records the pledges (the store, or the store with its observers).
    ///   - presence: the event's presence codes.
    ///   - configuration: the event (its name, pledge text, language, retention date).
    ///   - addressLimit: signatures per client address: 1,000 at once, then 1,200 a minute by default
    ///     (2,000 phones behind one venue's or school's address in two minutes).
    ///   - presenceLimit: signatures per presence code: 3,000 at once, then 1,500 a minute.
    ///   - now: the clock presence codes are checked against.
    public init(
        recorder: any PledgeRecorder, presence: PresenceCodes, configuration: EventConfiguration,
        addressLimit: EventConfiguration.RateLimit = .init(perMinute: 1_200, burst: 1_000),
        presenceLimit: EventConfiguration.RateLimit = .init(perMinute: 1_500, burst: 3_000),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.recorder = recorder
        self.presence = presence
        self.configuration = configuration
        self.perAddress = KioskRateLimiter(addressLimit)
        self.perPresence = KioskRateLimiter(presenceLimit)
        self.now = now
    }

    public func add(to router: Router<KioskRequestContext>) {
        router.get("/p/:presence", use: start)
        router.get("/P/:presence", use: start)
        router.post("/p", use: submit)
    }

    /// The form, in `?lang=` or the event's language; a code that is not current asks for the one shown now.
    @Sendable func start(_ request: Request, context: KioskRequestContext) async throws -> Response {
        // Echoed in the page's links only in its canonical form.
        let code = PresenceCodes.canonical(context.parameters.get("presence") ?? "") ?? "0"
        let language = request.uri.queryParameters.get("lang").flatMap { Language(rawValue: String($0)) }
        var page = page(.form, language: language ?? configuration.language, presence: code)
        page.presenceExpired = !presence.accepts(code, at: now())
        return respond(page)
    }

    @Sendable func submit(_ request: Request, context: KioskRequestContext) async throws -> Response {
        let form: PledgeForm
        do {
            form = try await URLEncodedFormDecoder().decode(
                PledgeForm.self, from: String(buffer: request.collectBody(upTo: 16 * 1024)))
        } catch let problem as ProblemDetails {
            throw problem
        } catch {
            throw ProblemDetails(
                status: .badRequest, code: PledgeError.Code.invalidRequest.rawValue,
                vi: "Biểu mẫu không đọc được.", en: "The form cannot be read.")
        }
        let html = Self.acceptsHTML(request)
        let presenceCode = form.presence.flatMap(PresenceCodes.canonical) ?? "0"
        var page = page(.form, language: form.language ?? configuration.language, presence: presenceCode)
        page.name = form.typedName
        page.ageBand = form.ageBand.flatMap(AgeBand.init(rawValue:))
        page.province = form.province.flatMap { Province(matching: $0) }
        page.guardianConsent = form.consent == "yes"
        if form.step == "edit" { return respond(page) }

        let draft: PledgeDraft
        do { draft = try form.draft() } catch {
            guard html else { throw ProblemDetails(error) }
            page.problem = error
            return respond(page, status: .unprocessableContent)
        }
        // What will be printed: the name as the rules stored it (NFC, spaces collapsed).
        page.name = draft.name ?? ""
        guard presence.accepts(page.presence, at: now()) else {
            guard html else { throw ProblemDetails(Self.presenceRequired) }
            page.step = form.step == "sign" ? .review : .form
            page.idempotencyKey = form.key ?? IdempotencyKey.random().rawValue
            page.presenceExpired = true
            return respond(page, status: .forbidden)
        }
        guard form.step == "sign", let key = form.key.flatMap({ try? IdempotencyKey($0) }) else {
            page.step = .review
            page.idempotencyKey = IdempotencyKey.random().rawValue
            return respond(page)
        }
        page.step = .review
        page.idempotencyKey = key.rawValue
        if let wait = perAddress.take(kioskID: context.clientAddress) ?? perPresence.take(kioskID: page.presence) {
            page.problem = Self.slowDown(wait)
            guard html else {
                var problem = ProblemDetails(Self.slowDown(wait))
                problem.headers[.retryAfter] = "\(wait)"
                throw problem
            }
            var response = respond(page, status: .tooManyRequests)
            response.headers[.retryAfter] = "\(wait)"
            return response
        }
        do {
            let outcome = try await recorder.record(draft, key: key, kioskID: .phone, code: nil)
            return Response(status: .seeOther, headers: [.location: "/c/\(outcome.code.rawValue)"])
        } catch {
            guard html else { throw ProblemDetails(error) }
            page.problem = error
            let status = HTTPResponse.Status(code: ProblemDetails(error).statusCode)
            return respond(page, status: status)
        }
    }

    func page(_ step: PledgeFlowPage.Step, language: Language, presence: String) -> PledgeFlowPage {
        var page = PledgeFlowPage(
            step: step, language: language, presence: presence, eventName: configuration.name,
            pledgeText: configuration.pledgeText)
        page.retainUntil = configuration.retainPersonalDataUntil
        return page
    }

    /// The page, never cached nor kept in history with what the signer typed.
    func respond(_ page: PledgeFlowPage, status: HTTPResponse.Status = .ok) -> Response {
        var response = htmlResponse(PledgeFlowPage.html(page), cacheControl: "no-store")
        response.status = status
        return response
    }

    static func acceptsHTML(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/html") ?? false
    }

    /// A presence code that is not one the event showed in the last few periods.
    static let presenceRequired = PledgeError(
        .presenceRequired, field: "presence",
        vi: "Mã có mặt đã hết hạn hoặc không đúng: nhập mã đang hiện trên màn hình của sự kiện.",
        en: "The presence code has expired or is wrong: type the code the event's screen shows now.")

    static func slowDown(_ seconds: Int) -> PledgeError {
        PledgeError(
            .rateLimited,
            vi: "Có quá nhiều lượt ký cùng lúc. Thử lại sau \(seconds) giây; những gì bạn điền vẫn được giữ.",
            en: "Too many pledges at once. Try again in \(seconds) seconds; what you filled in is kept.")
    }
}
