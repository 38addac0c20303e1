import PledgeKit

extension PledgeFlowPage {
    /// What the tablet kiosk mode adds to the flow's pages (issue 16, item 5): the tablet's kiosk
    /// id, and the terminal's timeouts (``KioskTimeouts``) as whole seconds for the page's script
    /// (`/tablet/tablet.js`) and, without a script, for a refresh back to the start.
    public struct KioskMode: Sendable {
        public var kioskID: KioskID
        public var timeouts: KioskTimeouts

        public init(kioskID: KioskID, timeouts: KioskTimeouts) {
            self.kioskID = kioskID
            self.timeouts = timeouts
        }

        func context(_ language: Language) -> [String: Any] {
            var context: [String: Any] = Self.texts.mapValues { $0[language] }
            context["kioskID"] = kioskID.rawValue
            context["idle"] = Self.seconds(timeouts.idle)
            context["countdown"] = Self.seconds(timeouts.countdown)
            return context
        }

        /// Whole seconds, at least 1.
        static func seconds(_ duration: Duration) -> Int { max(1, Int(duration.components.seconds)) }

        /// The kiosk mode's own texts, Vietnamese first (`{seconds}` is filled by the script).
        static let texts: [String: Localized<String>] = [
            "idleWarning": Localized(
                vi: "Không thấy ai chạm vào màn hình: sẽ trở về màn hình đầu sau {seconds} giây. Chạm để tiếp tục.",
                en: "Nobody has touched the screen: going back to the start in {seconds} seconds. Touch to go on."),
            "offline": Localized(
                vi:
                    "Chưa gửi được lời cam kết: không kết nối được với máy chủ của sự kiện. Những gì bạn điền vẫn được giữ và sẽ tự gửi lại khi có kết nối; bạn cũng có thể bấm “Ký cam kết” lần nữa.",
                en:
                    "The pledge is not sent yet: the event's server cannot be reached. What you filled in is kept and will be sent again by itself once it can; you may also tap “Sign the pledge” again."
            ),
            "sending": Localized(vi: "Đang gửi…", en: "Sending…"),
            "kioskLabel": Localized(vi: "Kiosk", en: "Kiosk"),
        ]
    }
}
