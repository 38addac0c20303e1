import Foundation
import PledgeKit

/// The tablet kiosk mode's last screen (issue 16, item 5; template `Templates/tablet-done.mustache`):
/// the certificate's QR shown large, its code and link, and the way back to a fresh start, taken
/// by itself after the terminal's done time (``KioskTimeouts/done``). Nothing else of the signer.
public struct TabletDonePage: Sendable {
    public var language: Language
    public var code: CertificateCode
    /// The certificate's link as people read it (`https://…/c/CODE`).
    public var link: String
    public var timeouts: KioskTimeouts

    public init(
        language: Language, code: CertificateCode, link: String, timeouts: KioskTimeouts
    ) {
        self.language = language
        self.code = code
        self.link = link
        self.timeouts = timeouts
    }

    /// The page, UTF-8 HTML.
    public static func html(_ page: TabletDonePage) -> String {
        let seconds = PledgeFlowPage.KioskMode.seconds(page.timeouts.done)
        let text = Self.texts.mapValues { $0[page.language] }
        return BuiltInPages.render(
            "tablet-done",
            [
                "t": text, "lang": page.language.rawValue,
                "seconds": seconds, "rawCode": page.code.rawValue, "code": page.code.grouped, "link": page.link,
                "backNow": (text["back"] ?? "").replacingOccurrences(of: "{seconds}", with: "\(seconds)"),
            ])
    }

    static let texts: [String: Localized<String>] = [
        "heading": Localized(vi: "Cảm ơn bạn đã ký cam kết!", en: "Thank you for signing the pledge!"),
        "scan": Localized(
            vi: "Quét mã QR bằng điện thoại để lấy giấy chứng nhận của bạn.",
            en: "Scan the QR code with your phone to get your certificate."),
        "qr": Localized(vi: "Mã QR của giấy chứng nhận", en: "QR code of the certificate"),
        "code": Localized(vi: "Mã giấy chứng nhận", en: "Certificate code"),
        "next": Localized(vi: "Người tiếp theo", en: "Next signer"),
        "back": Localized(
            vi: "Trở về màn hình đầu sau {seconds} giây.", en: "Going back to the start in {seconds} seconds."),
    ]
}

/// The page where an organizer makes a tablet an authorised kiosk of the event (template
/// `Templates/tablet-setup.mustache`): its kiosk id and the kiosk token, both languages at once.
public struct TabletSetupPage: Sendable {
    public var eventName: String
    /// The kiosk id as typed, shown again after a refusal.
    public var kioskID = ""
    /// Why the last try was refused.
    public var problem: Localized<String>?

    public init(eventName: String) { self.eventName = eventName }

    /// The page, UTF-8 HTML.
    public static func html(_ page: TabletSetupPage) -> String {
        var context: [String: Any] = ["eventName": page.eventName, "kiosk": page.kioskID]
        if let problem = page.problem { context["problem"] = ["vi": problem.vi, "en": problem.en] }
        return BuiltInPages.render("tablet-setup", context)
    }
}

extension TabletDonePage {
    /// `tablet.js`, the tablet kiosk mode's script (no framework, no third-party resource): the
    /// idle warning and reset, forms sent with `fetch` so history keeps nothing of a signer, and
    /// an unsent signature kept in memory and sent again until the service acknowledges it.
    public static let script = String(decoding: PackageResources.tablet_js, as: UTF8.self)
}
