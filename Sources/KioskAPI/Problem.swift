import Foundation
import PledgeKit

/// The body of every error answer of the API, RFC 9457 ("Problem Details for HTTP APIs"),
/// served as `application/problem+json` (``MediaType/problemJSON``) and read by a front's client.
///
/// Members: `type` (a URI naming the problem; `about:blank` plus a `code` extension here), `title`
/// (the status's reason phrase), `status`, `detail` (Vietnamese first), and the extensions `code`
/// (stable, for programs), `field` (the request member or header at fault) and `messages` (`vi`
/// and `en`).
public struct Problem: Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    /// The HTTP status code, repeated in the body (RFC 9457, 3.1.2).
    public var status: Int
    public var detail: String
    public var code: String
    public var field: String?
    public var messages: Localized<String>
    /// The next sequence the hub expects of the event (`sequence-gap`); absent otherwise.
    public var expected: Int? = nil
    /// The rows of a refused batch that break the rules (`rows-refused`); absent otherwise.
    public var refused: [SyncRefusedRow]? = nil

    public init(status: Int, title: String, code: String, field: String? = nil, vi: String, en: String) {
        self.type = "about:blank"
        self.title = title
        self.status = status
        self.detail = vi
        self.code = code
        self.field = field
        self.messages = Localized(vi: vi, en: en)
    }

    /// The refusal as a ``PledgeError`` again (what a front's client reads).
    public var error: PledgeError {
        PledgeError(PledgeError.Code(rawValue: code), field: field, vi: messages.vi, en: messages.en)
    }

    /// The status of a refused pledge, by its reason: 409 for a reused key or a taken code, 429,
    /// 404, 503 when storage fails, 422 for a draft the rules refuse, otherwise 400.
    public static func status(for code: PledgeError.Code) -> Int {
        switch code {
        case .idempotencyKeyReused, .certificateCodeTaken: 409
        case .rateLimited: 429
        case .notFound: 404
        case .presenceRequired: 403
        case .unsupportedMediaType: 415
        case .unavailable, .databaseGone: 503
        case .guardianConsentRequired, .unknownAgeBand, .unknownProvince, .nameEmpty, .nameTooLong,
            .forbiddenCharacter, .schoolEmpty, .schoolTooLong, .personalDataNoLongerKept:
            422
        default: 400
        }
    }
}

extension PledgeError {
    /// The error as the API states it: the store's refusal of a reused idempotency key names the
    /// header it came in (the store knows keys, not headers).
    public var statedOnTheWire: PledgeError {
        guard code == .idempotencyKeyReused else { return self }
        return PledgeError(
            .idempotencyKeyReused, field: HeaderName.idempotencyKey,
            vi: "Khóa \(HeaderName.idempotencyKey) này đã được dùng cho một lời cam kết khác.",
            en: "This \(HeaderName.idempotencyKey) was already used for a different pledge.")
    }

    /// A kiosk id that breaks ``IdentifierRule``, from the `Kiosk-Id` header.
    public static var invalidKioskID: PledgeError {
        PledgeError(
            .invalidRequest, field: HeaderName.kioskID,
            vi: "Mã kiosk không hợp lệ (\(IdentifierRule.text.vi); “phone” dành cho điện thoại).",
            en: "Invalid \(HeaderName.kioskID) (\(IdentifierRule.text.en); “phone” is the phones').")
    }

    /// A kiosk id that breaks ``IdentifierRule`` in a path (`/api/kiosks/{id}/heartbeat`): the
    /// field is the path's `id`, not a header the request may not have sent.
    public static var invalidKioskIDInPath: PledgeError {
        PledgeError(
            .invalidRequest, field: "id",
            vi: "Mã kiosk trong đường dẫn không hợp lệ (\(IdentifierRule.text.vi)).",
            en: "Invalid kiosk id in the path (\(IdentifierRule.text.en)).")
    }

    /// A heartbeat whose count of waiting pledges is below zero.
    public static var negativeWaiting: PledgeError {
        PledgeError(
            .invalidRequest, field: "waiting",
            vi: "Số lời cam kết đang chờ không thể âm.",
            en: "The number of waiting pledges cannot be negative.")
    }
}
