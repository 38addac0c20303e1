import Foundation
import HTTPTypes
import Hummingbird
import KioskAPI
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
///
/// The same routes serve the national hub's linked events (``PledgeFlowSite``: where the event
/// and the recorder come from; the site also says whether a pledge without a presence code is
/// refused, as here, or counted online, as at the hub).
public struct PhonePledgeRoutes: Sendable {
    let site: any PledgeFlowSite
    let now: @Sendable () -> Date
    let perAddress: KioskRateLimiter
    let perPresence: KioskRateLimiter
    /// Wrong presence codes per client address.
    let guesses: KioskRateLimiter

    /// - Parameters:
    ///   - recorder: records the pledges (the store, or the store with its observers).
    ///   - recordedKeys: tells a signature sent again, which the limits let through.
    ///   - presence: the event's presence codes.
    ///   - configuration: the event (its name, pledge text, language, retention date).
    ///   - addressLimit: signatures per client address: 1,000 at once, then 1,200 a minute by default
    ///     (2,000 phones behind one venue's or school's address in two minutes).
    ///   - presenceLimit: signatures per presence code: 3,000 at once, then 1,500 a minute.
    ///   - guessLimit: wrong presence codes per client address: 120 at once, then 60 a minute.
    ///   - now: the clock presence codes are checked against.
    ///   - limiterClock: the clock the limits refill by.
    public init(
        recorder: any PledgeRecorder, recordedKeys: (any RecordedKeys)? = nil, presence: PresenceCodes,
        configuration: EventConfiguration,
        addressLimit: EventConfiguration.RateLimit = .init(perMinute: 1_200, burst: 1_000),
        presenceLimit: EventConfiguration.RateLimit = .init(perMinute: 1_500, burst: 3_000),
        guessLimit: EventConfiguration.RateLimit = .init(perMinute: 60, burst: 120),
        now: @escaping @Sendable () -> Date = Date.init,
        limiterClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.init(
            site: EventPledgeFlow(
                recorder: recorder, recordedKeys: recordedKeys, presence: presence, configuration: configuration),
            addressLimit: addressLimit, presenceLimit: presenceLimit, guessLimit: guessLimit, now: now,
            limiterClock: limiterClock)
    }

    /// The flow over `site` (the event service's own event, or the hub's linked events), with the
    /// limits of ``init(recorder:recordedKeys:presence:configuration:addressLimit:presenceLimit:guessLimit:now:limiterClock:)``.
    public init(
        site: any PledgeFlowSite,
        addressLimit: EventConfiguration.RateLimit = .init(perMinute: 1_200, burst: 1_000),
        presenceLimit: EventConfiguration.RateLimit = .init(perMinute: 1_500, burst: 3_000),
        guessLimit: EventConfiguration.RateLimit = .init(perMinute: 60, burst: 120),
        now: @escaping @Sendable () -> Date = Date.init,
        limiterClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.site = site
        self.perAddress = KioskRateLimiter(addressLimit, now: limiterClock)
        self.perPresence = KioskRateLimiter(presenceLimit, now: limiterClock)
        self.guesses = KioskRateLimiter(guessLimit, now: limiterClock)
        self.now = now
    }

    public func add(to router: Router<KioskRequestContext>) {
        router.get("/p/:presence", use: start)
        router.get("/P/:presence", use: start)
        // The address bar after a review: the form again, asking for the code on screen.
        router.get("/p", use: start)
        // The printed poster's QR (capitals: QR's alphanumeric mode).
        router.get("/P", use: start)
        router.post("/p", use: submit)
    }

    /// The form, in `?lang=` or the event's language, with the idempotency key of its signature
    /// (kept through review and edit, so a review sent again by the back button signs the same
    /// pledge); a code that is not current asks for the one shown now, and so does a page without
    /// a code (the poster's QR). Wrong codes spend the address's guesses (``guesses``); past them,
    /// every code waits (429), so the page cannot be used to try codes.
    @Sendable func start(_ request: Request, context: KioskRequestContext) async throws -> Response {
        let place = try await site.place(presence: context.parameters.get("presence") ?? "", at: now())
        let language = request.uri.queryParameters.get("lang").flatMap { Language(rawValue: String($0)) }
        var page = page(.form, language: language ?? place.configuration.language, place: place)
        page.idempotencyKey = IdempotencyKey.random().rawValue
        // A page without a code (the printed poster's QR, the address bar) is no guess.
        let given = place.presence != "0"
        // Past the address's budget of wrong codes every code waits, the right one too: an answer
        // that told them apart would let guessing go on at full speed.
        if given, let wait = guesses.waitTime(key: context.limitKey) {
            return try slowDown(page, wait: wait, html: true)
        }
        if !place.accepted {
            if place.withoutPresence == .refused {
                page.presenceExpired = true
                page.presenceMissing = !given
            } else {
                // At the hub: the online form, saying why when a code was given.
                page.presence = "0"
                if given { page.problem = place.refusal }
            }
            if given { _ = guesses.take(kioskID: context.limitKey) }
        }
        return respond(page)
    }

    @Sendable func submit(_ request: Request, context: KioskRequestContext) async throws -> Response {
        let html = request.acceptsHTML
        let unplaced = try await site.place(presence: "", at: now())
        var place = unplaced
        let form: PledgeForm
        var page: PledgeFlowPage
        let reading = try await read(
            request, into: self.page(.form, language: unplaced.configuration.language, place: unplaced)
        ) { form in
            // The event the code is for: its name, pledge text and language on every page that follows.
            place = try await site.place(presence: form.presence ?? "", at: now())
            var placed = self.page(.form, language: place.configuration.language, place: place)
            // At the hub, a code not taken makes the pledge an online one: the pages go on without it.
            if !place.accepted && place.withoutPresence == .online { placed.presence = "0" }
            return placed
        }
        switch reading {
        case .answered(let response): return response
        case .form(let read): (form, page) = (read.form, read.page)
        }
        let online = !place.accepted && place.withoutPresence == .online
        let key = form.key.flatMap { try? IdempotencyKey($0) }
        let draft: PledgeDraft
        do { draft = try form.draft(retention: place.configuration.retentionDeadline, now: now()) } catch {
            return try refuse(page, error, status: .unprocessableContent, html: html)
        }
        // What will be printed: the name as the rules stored it (NFC, spaces collapsed).
        page.name = draft.name ?? ""
        // Past the address's budget of wrong codes every code waits, the right one too (see start).
        if place.presence != "0", let wait = guesses.waitTime(key: context.limitKey) {
            return try slowDown(page, wait: wait, html: html)
        }
        guard place.accepted || (online && place.presence == "0") else {
            // Never signed as another kind of pledge than the one reviewed: at the hub the review
            // comes again, now as an online pledge, saying so.
            page.step = form.step == "sign" || online ? .review : .form
            page.presenceExpired = !online
            page.presenceMissing = !online && place.presence == "0"
            if place.presence != "0" { _ = guesses.take(kioskID: context.limitKey) }
            return try refuse(page, place.refusal, status: .forbidden, html: html)
        }
        page.step = .review
        guard form.step == "sign", let key else { return respond(page) }
        // Online pledges at the hub have no presence code to limit by: the address's limit only.
        return try await sign(key: key, page: page, html: html) {
            perAddress.take(kioskID: context.limitKey)
                ?? (place.accepted ? perPresence.take(kioskID: page.presence) : nil)
        } record: { () async throws(PledgeError) -> RecordOutcome in
            try await site.record(draft, key: key, at: place)
        } location: {
            "/c/\($0.rawValue)"
        }
    }

    /// `page` with `problem` for a browser, or the problem detail for any other client.
    func refuse(_ page: PledgeFlowPage, _ problem: PledgeError, status: HTTPResponse.Status, html: Bool) throws
        -> Response
    {
        guard html else {
            throw ProblemDetails(
                status: status, code: problem.code.rawValue, field: problem.field, vi: problem.message.vi,
                en: problem.message.en)
        }
        var page = page
        page.problem = problem
        return respond(page, status: status)
    }

    /// 429 with `Retry-After`: the page with what was typed, or the problem detail.
    func slowDown(_ page: PledgeFlowPage, wait: Int, html: Bool) throws -> Response {
        guard html else {
            var problem = ProblemDetails(Self.slowDown(wait))
            problem.headers[.retryAfter] = "\(wait)"
            throw problem
        }
        var page = page
        page.problem = Self.slowDown(wait)
        var response = respond(page, status: .tooManyRequests)
        response.headers[.retryAfter] = "\(wait)"
        return response
    }

    func page(_ step: PledgeFlowPage.Step, language: Language, place: PledgeFlowPlace) -> PledgeFlowPage {
        page(step, language: language, presence: place.presence, configuration: place.configuration)
    }

    /// A page of the flow for the event of `configuration`.
    func page(_ step: PledgeFlowPage.Step, language: Language, presence: String, configuration: EventConfiguration)
        -> PledgeFlowPage
    {
        var page = PledgeFlowPage(
            step: step, language: language, presence: presence, eventName: configuration.name,
            pledgeText: configuration.pledgeText)
        page.retainUntil = configuration.retainPersonalDataUntil
        return page
    }

    /// The page, never cached nor kept in history with what the signer typed.
    func respond(_ page: PledgeFlowPage, status: HTTPResponse.Status = .ok) -> Response {
        // The tablet kiosk mode's pages run its script (`/tablet/tablet.js`); a phone's run none.
        var response = htmlResponse(PledgeFlowPage.html(page), cacheControl: "no-store", scripts: page.kiosk != nil)
        response.status = status
        return response
    }

    /// A presence code that is not one the event showed in the last few periods.
    static let presenceRequired = PledgeError(
        .presenceRequired, field: "presence",
        vi: "Mã điểm danh đã hết hạn hoặc không đúng: nhập mã đang hiện trên màn hình của sự kiện.",
        en: "The presence code has expired or is wrong: type the code the event's screen shows now.")

    static func slowDown(_ seconds: Int) -> PledgeError {
        PledgeError(
            .rateLimited,
            vi: "Có quá nhiều lượt ký cùng lúc. Thử lại sau \(seconds) giây; những gì bạn điền vẫn được giữ.",
            en:
                "Too many pledges at once. Try again in \(seconds) second\(seconds == 1 ? "" : "s"); what you filled in is kept."
        )
    }

    /// The same form signed before with other fields.
    static let signedAlready = PledgeError(
        .idempotencyKeyReused, field: "key",
        vi:
            "Bạn đã ký một lời cam kết bằng biểu mẫu này. Bấm “Ký cam kết” lần nữa nếu muốn ký thêm một lời cam kết mới.",
        en: "You already signed a pledge with this form. Tap “Sign the pledge” again to sign another one.")
}
