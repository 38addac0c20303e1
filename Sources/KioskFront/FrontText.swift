import Foundation
import KioskConfiguration
import PledgeKit

/// Every text of the terminal front in both languages: `Kiosk/front.yaml`, which organizers may
/// reword. Texts may hold `{placeholders}` that the renderer fills in.
public struct FrontText: Decodable, Sendable, Equatable {
    public typealias Text = Localized<String>

    public struct Common: Decodable, Sendable, Equatable {
        public var campaign, switchLanguage, idleCountdown: Text
        /// The keys of the display modes, beside the language key.
        public var displayKeys: Text
        /// The attendant's quiet marks in the footer: no link to the service, pledges waiting.
        public var offlineMark, waitingMark: Text
        /// The screen was started again after it ended unexpectedly (``RestartNotice``): on the
        /// welcome screen's footer and the attendant's status screen. Placeholders {count}, {time}.
        public var restartedMark: Text
    }
    public struct WelcomeScreen: Decodable, Sendable, Equatable {
        public var invitation, count, countUnknown, start, helpTitle: Text
        /// Beside the QR of the web flow (issue 16). Placeholder {code}: the presence code. Optional,
        /// so a front.yaml reworded before it existed still loads (``phoneOrDefault``).
        public var phone: Text?

        /// ``phone``, or the built-in words when the file has none.
        public var phoneOrDefault: Text {
            phone
                ?? Text(
                    vi: "Hoặc ký trên điện thoại của bạn: quét mã QR này (mã điểm danh {code}).",
                    en: "Or pledge on your own phone: scan this QR code (attendance code {code}).")
        }
    }
    public struct PledgeScreen: Decodable, Sendable, Equatable {
        public var hint: Text
    }
    public struct NameScreen: Decodable, Sendable, Equatable {
        public var title, prompt, anonymousHint, hint: Text
        /// The input method's line under the name (``VietnameseInputMethod``). Optional, so a
        /// front.yaml reworded before it existed still loads (``inputMethodOrDefault``).
        public var inputMethod: InputMethodTexts?

        /// ``inputMethod``, or the built-in words when the file has none.
        public var inputMethodOrDefault: InputMethodTexts {
            inputMethod
                ?? InputMethodTexts(
                    status: Text(
                        vi: "Kiểu gõ: {method} · F4: đổi kiểu gõ", en: "Vietnamese typing: {method} · F4: switch"),
                    off: Text(vi: "tắt (gõ sao ra vậy)", en: "off (keys as typed)"),
                    telexKeys: Text(
                        vi: "aa → â, aw → ă, ee → ê, oo → ô, ow → ơ, uw → ư, dd → đ; dấu: s f r x j",
                        en: "aa → â, aw → ă, ee → ê, oo → ô, ow → ơ, uw → ư, dd → đ; tones: s f r x j"),
                    vniKeys: Text(
                        vi: "a6 → â, a8 → ă, e6 → ê, o6 → ô, o7 → ơ, u7 → ư, d9 → đ; dấu: 1 2 3 4 5",
                        en: "a6 → â, a8 → ă, e6 → ê, o6 → ô, o7 → ơ, u7 → ư, d9 → đ; tones: 1 2 3 4 5"))
        }
    }
    /// The input method's words: `status` with {method}, filled with the method's name (Telex,
    /// VNI: the same in both languages) or `off`; under it, the keys of Telex or VNI.
    public struct InputMethodTexts: Decodable, Sendable, Equatable {
        public var status, off, telexKeys, vniKeys: Text

        public init(status: Text, off: Text, telexKeys: Text, vniKeys: Text) {
            self.status = status
            self.off = off
            self.telexKeys = telexKeys
            self.vniKeys = vniKeys
        }

        /// The words naming `method` in `language`.
        public func name(_ method: VietnameseInputMethod, _ language: Language) -> String {
            switch method {
            case .telex: "Telex"
            case .vni: "VNI"
            case .off: off[language]
            }
        }

        /// The keys of `method`; nil when off.
        public func keys(_ method: VietnameseInputMethod) -> Text? {
            switch method {
            case .telex: telexKeys
            case .vni: vniKeys
            case .off: nil
            }
        }
    }
    public struct AgeBandScreen: Decodable, Sendable, Equatable {
        public var title, note, hint: Text
    }
    public struct ProvinceScreen: Decodable, Sendable, Equatable {
        public var title, preferNotToSay, filter, filterHint, noMatch, formerName, hint: Text
    }
    public struct ConsentScreen: Decodable, Sendable, Equatable {
        public var title, storedName, storedAnonymous, counted, deletion, agree: Text
        public var guardianQuestion, guardianAgrees, anonymousInstead, guardianHint: Text
    }
    public struct ConfirmScreen: Decodable, Sendable, Equatable {
        public var title, name, ageBand, province, guardian, guardianAgreed, anonymous, notSaid, hint: Text
        /// Under the answers: what signs (the footer's `hint` lists the keys).
        public var signPrompt: Text
    }
    public struct SubmittingScreen: Decodable, Sendable, Equatable {
        public var text: Text
    }
    public struct DoneScreen: Decodable, Sendable, Equatable {
        public var number, thanks, scan, code, link, tooSmall, countdown: Text
        /// Instead of the number while the pledge waits in the front's outbox.
        public var pending: Text
    }
    public struct ErrorScreen: Decodable, Sendable, Equatable {
        public var title, retry, back, editName, anonymous, hint: Text
    }
    /// The attendant's screens: PIN, menu, status, paused.
    public struct AttendantScreens: Decodable, Sendable, Equatable {
        public var pinTitle, pinPrompt, pinWrong, pinHint: Text
        public var menuTitle, pause, resume, status, quit, menuHint: Text
        public var statusTitle, kiosk, linkLocal, linkOnline, linkOffline, waiting, signedHere, paused, ready,
            statusHint: Text
        public var pausedTitle, pausedText, pausedHint: Text
        /// Tries refused after too many wrong PINs (`{wait}`: minutes:seconds left).
        public var pinLocked: Text
        /// Quit chosen while `{waiting}` pledges wait in the outbox: asked again.
        public var quitWaitingTitle, quitWaitingText, quitWaitingHint: Text
        /// Started with `--developer-mode`: on the welcome footer and the status screen.
        public var developerMode: Text
    }

    /// The attendant's search for a signer who lost the code (FrontText+Find.swift). Optional, so
    /// a front.yaml reworded before it existed still loads (``findOrDefault``).
    public var find: FindTexts?

    public var common: Common
    public var welcome: WelcomeScreen
    public var pledge: PledgeScreen
    public var name: NameScreen
    public var ageBand: AgeBandScreen
    public var province: ProvinceScreen
    public var consent: ConsentScreen
    public var confirm: ConfirmScreen
    public var submitting: SubmittingScreen
    public var done: DoneScreen
    public var error: ErrorScreen
    public var attendant: AttendantScreens
    /// Issue 17's words for screens that say what they do (``Guidance``); nil: the built-in ones.
    public var guidance: Guidance?

    /// Reads `front.yaml`.
    /// - Throws: `ConfigurationError` naming the file and the missing or wrong key.
    public static func load(from url: URL) throws -> FrontText {
        try EventConfiguration.decodeYAML(FrontText.self, at: url)
    }
}

extension String {
    /// The text with each `{key}` replaced by its value.
    func filled(_ values: [String: String]) -> String {
        values.reduce(self) { text, pair in text.replacingOccurrences(of: "{\(pair.key)}", with: pair.value) }
    }
}

/// Numbers as each language writes them: 12.345 in Vietnamese, 12,345 in English.
enum NumberText {
    static func grouped(_ number: Int, _ language: Language) -> String {
        let separator = language == .vi ? "." : ","
        let digits = String(number.magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out += separator }
            out.append(digit)
        }
        return number < 0 ? "-" + out : out
    }
}
