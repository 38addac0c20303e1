import HTTPTypes
import HubCore
import KioskAPI
import KioskHTTP
import PledgeKit

extension ProblemDetails {
    /// The answer to a ``HubError``: 503 (with `Retry-After`) when the database is unavailable or
    /// refuses the hub's settings, 400 `invalid-request` (with `field`), 404 `unknown-event`, 409 `sequence-gap` (with `expected`), 409
    /// `event-exists` and `code-tag-taken`, 422 `rows-refused` (with `refused`). Texts are the
    /// error's own, Vietnamese first.
    public init(_ error: HubError) {
        let message = error.message
        switch error.kind {
        case .unavailable, .misconfigured:
            self.init(status: .serviceUnavailable, code: "unavailable", vi: message.vi, en: message.en)
        case .unknownEvent:
            self.init(status: .notFound, code: "unknown-event", field: "event", vi: message.vi, en: message.en)
        case .invalidRequest(let field):
            self.init(status: .badRequest, code: "invalid-request", field: field, vi: message.vi, en: message.en)
        case .eventExists:
            self.init(status: .conflict, code: "event-exists", vi: message.vi, en: message.en)
        case .codeTagTaken:
            self.init(status: .conflict, code: "code-tag-taken", vi: message.vi, en: message.en)
        case .sequenceGap(let expected):
            self.init(status: .conflict, code: "sequence-gap", field: "rows", vi: message.vi, en: message.en)
            body.expected = expected
        case .rowsRefused(let rows):
            self.init(
                status: .unprocessableContent, code: "rows-refused", field: "rows", vi: message.vi, en: message.en)
            body.refused = rows
        }
    }
}

extension ProblemDetails {
    /// Whether this is the answer to a ``HubError`` `unavailable` or `misconfigured`: the
    /// database did not answer in time, or refused.
    var isDatabaseUnavailable: Bool { status == .serviceUnavailable && code == "unavailable" }
}

extension PledgeError {
    /// A ``HubError`` where the certificate routes, which speak ``PledgeError``, meet the hub's
    /// store: every failure of a read is `unavailable` (503), with the hub's own text.
    init(_ error: HubError) {
        self.init(.unavailable, vi: error.message.vi, en: error.message.en)
    }
}
