import PledgeKit

/// The web pledge flow's page (issue 16; template `Templates/pledge.mustache`), for phones and
/// tablets: the same steps and rules as the terminal front, as plain forms that work without
/// JavaScript (POST, then a page; the last POST redirects to the certificate).
///
/// One language at a time (`lang` on the page), the other a tap away; what the signer typed comes
/// back in every field after a refusal, so nothing is typed twice.
public struct PledgeFlowPage: Sendable {
    public enum Step: String, Sendable {
        /// The pledge text and the fields.
        case form
        /// What will be printed, and the button that signs.
        case review
    }

    public var step: Step
    public var language: Language
    /// The presence code the signer came with (the QR at the event); asked for again when it has expired.
    public var presence: String
    /// Whether ``presence`` was refused: the page asks for the code the event shows now.
    public var presenceExpired = false
    /// With ``presenceExpired``: no code was given at all (the printed poster's QR), so the page asks
    /// for the code on the screens instead of saying the one scanned has expired.
    public var presenceMissing = false
    public var eventName: String
    public var pledgeText: PledgeText
    public var name = ""
    public var ageBand: AgeBand?
    public var province: Province?
    public var guardianConsent = false
    /// Why the last submission was refused, with the field it concerns.
    public var problem: PledgeError?
    /// The idempotency key of the signature (review step): a second tap records nothing more.
    public var idempotencyKey = ""
    /// Where the forms post.
    public var action = "/p"
    /// The last day names are kept (`retainPersonalDataUntil`), said on the review step.
    public var retainUntil: CivilDate?
    /// The tablet kiosk mode (`/tablet`): larger targets, the idle warning and reset, the script
    /// that keeps an unsent signature; nil on a phone.
    public var kiosk: KioskMode?

    public init(step: Step, language: Language, presence: String, eventName: String, pledgeText: PledgeText) {
        self.step = step
        self.language = language
        self.presence = presence
        self.eventName = eventName
        self.pledgeText = pledgeText
    }

    /// The page, UTF-8 HTML.
    public static func html(_ page: PledgeFlowPage) -> String {
        BuiltInPages.render("pledge", page.context)
    }

    var context: [String: Any] {
        let text = Self.texts.mapValues { $0[language] }
        let other = language.toggled
        var context: [String: Any] = [
            "t": text, "lang": language.rawValue, "otherLang": other.rawValue,
            "otherLangName": other == .vi ? "Tiếng Việt" : "English", "action": action, "presence": presence,
            "presenceExpired": presenceExpired, "presenceMissing": presenceMissing, "eventName": eventName,
            "title": pledgeText[language].title, "commitments": pledgeText[language].commitments,
            "name": name, "consent": guardianConsent, "key": idempotencyKey,
            "isForm": step == .form, "isReview": step == .review,
            "ageBands": AgeBand.allCases.map { band in
                [
                    "value": band.rawValue, "label": band.label[language], "checked": band == ageBand,
                    "young": band.needsGuardianConsent,
                ] as [String: Any]
            },
            "provinces": Province.all.map { ["name": $0.name, "selected": $0 == province] as [String: Any] },
            "provinceName": province?.name ?? "", "hasProvince": province != nil, "hasName": !name.isEmpty,
            "ageBandValue": ageBand?.rawValue ?? "", "ageBandLabel": ageBand?.label[language] ?? "",
            "needsConsent": !name.isEmpty && (ageBand?.needsGuardianConsent ?? false), "kept": kept,
        ]
        if let kiosk { context["kiosk"] = kiosk.context(language) }
        if let problem {
            context["problem"] = problem.message[language]
            context["problemField"] = problem.field ?? ""
        }
        return context
    }

    /// Every text of the flow, Vietnamese first.
    static let texts: [String: Localized<String>] = [
        "heading": Localized(vi: "Ký cam kết “Không một mình”", en: "Sign the “Not Alone” pledge"),
        "at": Localized(vi: "Tại sự kiện", en: "At the event"),
        "nameLabel": Localized(vi: "Tên in trên giấy chứng nhận", en: "Name printed on the certificate"),
        "nameHint": Localized(
            vi: "Để trống nếu muốn ký ẩn danh. Tối đa 60 ký tự.",
            en: "Leave it empty to pledge anonymously. At most 60 characters."),
        "ageLabel": Localized(vi: "Độ tuổi", en: "Age"),
        "provinceLabel": Localized(vi: "Tỉnh, thành phố", en: "Province or city"),
        "noProvince": Localized(vi: "Không muốn nói", en: "Prefer not to say"),
        "consentLabel": Localized(
            vi: "Cha mẹ hoặc người giám hộ của tôi đồng ý cho ghi tên tôi",
            en: "My parent or guardian agrees to my name being printed"),
        "consentHint": Localized(
            vi: "Chỉ cần khi bạn dưới 16 tuổi và ghi tên (Nghị định 13/2023/NĐ-CP). Không có thì hãy ký ẩn danh.",
            en: "Needed only if you are under 16 and give a name (Decree 13/2023/NĐ-CP). Otherwise, pledge anonymously."
        ),
        "review": Localized(vi: "Xem lại", en: "Review"),
        "reviewHeading": Localized(vi: "Kiểm tra trước khi ký", en: "Check before you sign"),
        "printed": Localized(vi: "Giấy chứng nhận sẽ ghi", en: "The certificate will read"),
        "anonymous": Localized(vi: "Người ký ẩn danh", en: "Anonymous signer"),
        "sign": Localized(vi: "Ký cam kết", en: "Sign the pledge"),
        "edit": Localized(vi: "Sửa lại", en: "Edit"),
        "presenceLabel": Localized(
            vi: "Mã trên màn hình của sự kiện (6 ký tự)", en: "The code on the event's screen (6 characters)"),
        "presenceAsk": Localized(
            vi: "Nhập mã điểm danh đang hiện trên màn hình của sự kiện (đổi sau mỗi 5 phút).",
            en: "Type the attendance code the event's screens show now (it changes every 5 minutes)."
        ),
        "presenceExpired": Localized(
            vi:
                "Mã bạn quét đã hết hạn. Hãy nhập mã đang hiện trên màn hình của sự kiện; những gì bạn đã điền vẫn được giữ.",
            en:
                "The code you scanned has expired. Type the code the event's screen shows now; what you filled in is kept."
        ),
    ]

    /// How long the name is kept: the event's `retainPersonalDataUntil`.
    var kept: String {
        guard let day = retainUntil?.displayText else {
            return Localized(
                vi: "Tên chỉ dùng cho giấy chứng nhận này và có thể xóa bất cứ lúc nào từ trang của nó.",
                en: "The name is used for this certificate only and can be erased at any time from its page.")[language]
        }
        return Localized(
            vi:
                "Tên được giữ đến hết ngày \(day.vi), rồi bị xóa; lời cam kết vẫn được tính. Bạn có thể xóa tên sớm hơn từ trang giấy chứng nhận.",
            en:
                "The name is kept until the end of \(day.en), then erased; the pledge still counts. You can erase it sooner from the certificate's page."
        )[language]
    }
}
