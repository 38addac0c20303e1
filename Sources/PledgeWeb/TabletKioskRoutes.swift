import Foundation
import HTTPTypes
import Hummingbird
import KioskAPI
import KioskHTTP
import KioskPages
import NIOCore
import PledgeKit

/// The tablet kiosk mode of the web pledge flow (issue 16, item 5): the same steps and rules as a
/// phone's `/p` (``PhonePledgeRoutes``), for a tablet pinned in a browser's kiosk mode at the venue.
///
/// - `GET|POST /tablet/setup`: an organizer types the tablet's kiosk id and the event's kiosk
///   token once; the answer sets the tablet's credential (``TabletPass``) as a cookie
///   (`kiosk-tablet`, `Path=/tablet`, `HttpOnly`, `SameSite=Strict`, 30 days) and leads to `/tablet`.
///   Wrong tokens are limited per client address (10 at once, then 10 a minute; then 429).
/// - `GET /tablet`: the form, in `?lang=` or the event's language, with a new idempotency key.
/// - `POST /tablet`: `step=review|edit|sign` as on a phone; a signature is recorded under the
///   tablet's kiosk id (channel `kiosk`), limited as the kiosk API is per kiosk id
///   (`rateLimit`), and answered 303 to `/tablet/done/{code}` after the durable commit.
/// - `GET /tablet/done/{code}`: the certificate's QR shown large, then a fresh start.
/// - `GET /tablet/tablet.js`: the page's script (``TabletDonePage/script``).
///
/// Without the credential, `/tablet` and `/tablet/done/…` lead a browser to the setup page (303)
/// and answer any other client 401 (`kiosk-credential-required`): no presence code, and no phone,
/// opens this mode. The idle warning and reset use the terminal's ``KioskTimeouts``.
public struct TabletKioskRoutes: Sendable {
    let flow: PhonePledgeRoutes
    /// The event service's own event, recorder and keys, which the phone's flow signs through too.
    let event: EventPledgeFlow
    let pass: TabletPass
    /// Whether a presented text is the event's kiosk token (``KioskAccess``'s bearer token).
    let isKioskToken: @Sendable (String) -> Bool
    let links: CertificateLinks
    let timeouts: KioskTimeouts
    /// Signatures per kiosk id: the kiosk API's limiter (`rateLimit`).
    let perKiosk: KioskRateLimiter
    /// Wrong kiosk tokens per client address on the setup page.
    let guesses: KioskRateLimiter

    /// The cookie that holds a tablet's credential.
    public static let cookieName = "kiosk-tablet"
    /// How long a tablet keeps its credential: 30 days, in seconds.
    static let cookieLifetime = 30 * 24 * 3600

    /// - Parameters:
    ///   - flow: the phone's flow, whose steps (reading the form, signing, refusing) these share.
    ///   - event: the site `flow` runs over: the event service's event and recorder.
    ///   - pass: makes and checks tablets' credentials (from the kiosk token).
    ///   - isKioskToken: whether a text typed on the setup page is the kiosk token.
    ///   - links: the certificate links the last screen's QR and text show.
    ///   - timeouts: the terminal's idle, countdown and done times.
    ///   - perKiosk: the limiter of `POST /api/pledges`, keyed by kiosk id.
    ///   - guessLimit: wrong kiosk tokens per client address.
    ///   - limiterClock: the clock the setup's limit refills by.
    public init(
        flow: PhonePledgeRoutes, event: EventPledgeFlow, pass: TabletPass,
        isKioskToken: @escaping @Sendable (String) -> Bool,
        links: CertificateLinks, timeouts: KioskTimeouts = KioskTimeouts(),
        perKiosk: KioskRateLimiter,
        guessLimit: EventConfiguration.RateLimit = .init(perMinute: 10, burst: 10),
        limiterClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.flow = flow
        self.event = event
        self.pass = pass
        self.isKioskToken = isKioskToken
        self.links = links
        self.timeouts = timeouts
        self.perKiosk = perKiosk
        self.guesses = KioskRateLimiter(guessLimit, now: limiterClock)
    }

    public func add(to router: Router<KioskRequestContext>) {
        router.get("/tablet/setup") { _, _ in setupPage(TabletSetupPage(eventName: event.configuration.name)) }
        router.post("/tablet/setup", use: setup)
        router.get("/tablet", use: start)
        router.post("/tablet", use: submit)
        router.get("/tablet/done/:code", use: done)
        router.get("/tablet/tablet.js") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            headers[.xContentTypeOptions] = "nosniff"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: TabletDonePage.script)))
        }
    }

    /// What the setup form posts.
    struct SetupForm: Decodable {
        var kiosk: String?
        var token: String?
    }

    @Sendable func setup(_ request: Request, context: KioskRequestContext) async throws -> Response {
        var page = TabletSetupPage(eventName: event.configuration.name)
        guard MediaType.isForm(request.headers[.contentType]),
            let form = try? await URLEncodedFormDecoder().decode(
                SetupForm.self, from: String(buffer: request.collectBody(upTo: 16 * 1024)))
        else {
            page.problem = Localized(vi: "Biểu mẫu không đọc được.", en: "The form cannot be read.")
            return setupPage(page, status: .badRequest)
        }
        page.kioskID = String((form.kiosk ?? "").trimmingWhitespace().prefix(64))
        guard let kioskID = KioskID(rawValue: page.kioskID), kioskID.isKioskOwn else {
            page.problem = Localized(
                vi: "Tên kiosk phải gồm \(IdentifierRule.text.vi), và không được là “phone”.",
                en: "The kiosk id must be \(IdentifierRule.text.en), and not “phone”.")
            return setupPage(page, status: .unprocessableContent)
        }
        // Past the address's budget of wrong tokens every try waits, the right one too: an answer
        // that told them apart would let guessing go on at full speed.
        if let wait = guesses.waitTime(key: context.limitKey) {
            page.problem = PhonePledgeRoutes.slowDown(wait).message
            var response = setupPage(page, status: .tooManyRequests)
            response.headers[.retryAfter] = "\(wait)"
            return response
        }
        guard isKioskToken(form.token ?? "") else {
            _ = guesses.take(kioskID: context.limitKey)
            page.problem = Localized(vi: "Mã truy cập của kiosk không đúng.", en: "The kiosk token is wrong.")
            return setupPage(page, status: .forbidden)
        }
        var response = Response(status: .seeOther, headers: [.location: "/tablet", .cacheControl: "no-store"])
        response.setCookie(
            Cookie(
                name: Self.cookieName, value: pass.credential(for: kioskID), maxAge: Self.cookieLifetime,
                path: "/tablet", httpOnly: true, sameSite: .strict))
        return response
    }

    func setupPage(_ page: TabletSetupPage, status: HTTPResponse.Status = .ok) -> Response {
        var response = htmlResponse(TabletSetupPage.html(page), cacheControl: "no-store")
        response.status = status
        return response
    }

    /// The tablet's kiosk id from its credential, or nil.
    func kioskID(_ request: Request) -> KioskID? {
        request.cookies[Self.cookieName].flatMap { pass.kioskID(presenting: $0.value) }
    }

    /// A browser is led to the setup page; any other client gets 401.
    func unauthorised(_ request: Request) throws -> Response {
        guard request.acceptsHTML || request.method == .get else {
            throw ProblemDetails(
                status: .unauthorized, code: "kiosk-credential-required",
                vi: "Máy này chưa được cài đặt làm kiosk của sự kiện: mở /tablet/setup.",
                en: "This device is not set up as a kiosk of the event: open /tablet/setup.")
        }
        return Response(status: .seeOther, headers: [.location: "/tablet/setup", .cacheControl: "no-store"])
    }

    /// A kiosk-mode page of the flow for `kioskID`.
    func page(_ step: PledgeFlowPage.Step, language: Language, kioskID: KioskID) -> PledgeFlowPage {
        var page = flow.page(step, language: language, presence: "0", configuration: event.configuration)
        page.action = "/tablet"
        page.kiosk = PledgeFlowPage.KioskMode(kioskID: kioskID, timeouts: timeouts)
        return page
    }

    @Sendable func start(_ request: Request, context: KioskRequestContext) async throws -> Response {
        guard let kioskID = kioskID(request) else { return try unauthorised(request) }
        let language = request.uri.queryParameters.get("lang").flatMap { Language(rawValue: String($0)) }
        var page = page(.form, language: language ?? event.configuration.language, kioskID: kioskID)
        page.idempotencyKey = IdempotencyKey.random().rawValue
        return flow.respond(page)
    }

    @Sendable func submit(_ request: Request, context: KioskRequestContext) async throws -> Response {
        guard let kioskID = kioskID(request) else { return try unauthorised(request) }
        let html = request.acceptsHTML
        let form: PledgeForm
        var page: PledgeFlowPage
        switch try await flow.read(
            request, into: self.page(.form, language: event.configuration.language, kioskID: kioskID))
        {
        case .answered(let response): return response
        case .form(let read): (form, page) = (read.form, read.page)
        }
        let draft: PledgeDraft
        do { draft = try form.draft(retention: event.configuration.retentionDeadline, now: flow.now()) } catch {
            return try flow.refuse(page, error, status: .unprocessableContent, html: html)
        }
        // What will be printed: the name as the rules stored it (NFC, spaces collapsed).
        page.name = draft.name ?? ""
        page.step = .review
        guard form.step == "sign", let key = form.key.flatMap({ try? IdempotencyKey($0) }) else {
            return flow.respond(page)
        }
        let language = page.language
        return try await flow.sign(key: key, page: page, html: html) {
            perKiosk.take(kioskID: kioskID.rawValue)
        } record: { () async throws(PledgeError) -> RecordOutcome in
            try await event.recorder.record(draft, key: key, kioskID: kioskID, code: nil)
        } location: {
            "/tablet/done/\($0.rawValue)?lang=\(language.rawValue)"
        }
    }

    @Sendable func done(_ request: Request, context: KioskRequestContext) async throws -> Response {
        guard kioskID(request) != nil else { return try unauthorised(request) }
        guard let code = CertificateCode(parsing: context.parameters.get("code") ?? "") else {
            throw ProblemDetails(
                status: .notFound, code: PledgeError.Code.notFound.rawValue, vi: "Không có giấy chứng nhận này.",
                en: "No such certificate.")
        }
        let language = request.uri.queryParameters.get("lang").flatMap { Language(rawValue: String($0)) }
        let page = TabletDonePage(
            language: language ?? event.configuration.language, code: code,
            link: "\(links.baseURL)/c/\(code.rawValue)", timeouts: timeouts)
        return htmlResponse(TabletDonePage.html(page), cacheControl: "no-store", scripts: true)
    }
}
