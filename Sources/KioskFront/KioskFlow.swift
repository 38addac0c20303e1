import PledgeKit

/// What happens to the kiosk flow: a key, the clock, or an answer from the pledge service.
public enum FlowEvent: Sendable {
    case key(Key)
    /// The time on the kiosk's clock, as a duration since the front started. Time moves only
    /// through this event, so tests drive it by hand.
    case tick(Duration)
    /// The live pledge total.
    case counted(Int)
    case recorded(RecordOutcome)
    case failed(PledgeError)
    /// The terminal changed size.
    case resized
    /// The link to the service (a front on the LAN): whether it answers and how many pledges
    /// wait in the outbox. Shown to the attendant as a quiet mark.
    case link(online: Bool, waiting: Int)
    /// The web pledge flow's link with the presence code of the moment
    /// (``PledgeKit/PresenceCodes/link(on:at:)``), shown as a QR on the welcome screen so
    /// attendees can pledge on their own phones; nil: none to show.
    case presence(String?)
    /// A pledge from the front's outbox reached the service: its receipt (``FlowEffect/submit(_:_:)``
    /// had given `.queued`).
    case delivered(PledgeReceipt)
    /// The answer to ``FlowEffect/find(_:)`` for this text.
    case found(String, Result<[FoundSigner], PledgeError>)
}

/// What the driver must do after an event.
public enum FlowEffect: Hashable, Sendable {
    /// Record this draft with this key (`PledgeRecorder.record`), then send `.recorded` or `.failed`.
    case submit(PledgeDraft, IdempotencyKey)
    /// Ask for the pledge total (`PledgeCounter.counts`), then send `.counted`; and for the
    /// presence link, then send `.presence`.
    case refreshCount
    /// Draw the screen again.
    case redraw
    /// Leave the front (the attendant's menu, or Ctrl-C when no PIN is set).
    case quit
    /// The kiosk was paused or resumed: tell the service (heartbeat).
    case report(KioskState)
    /// Find this event's signers by this name (``PledgeKit/SignerFinder``, at most
    /// ``KioskFlow/findLimit``), then send `.found`.
    case find(String)
}

/// The kiosk's screens and timeouts as a plain state machine: no I/O, no clock of its own.
///
/// Welcome → pledge text → name → age band → province → consent → confirm → submitting → done →
/// welcome. Everything about a signer lives in ``signer``, which is replaced by a fresh value
/// whenever the flow goes back to welcome, so nothing of one signer is shown to the next.
public struct KioskFlow: Sendable {
    public enum Screen: Hashable, Sendable {
        case welcome, pledgeText, name, ageBand, province, consent, confirm, submitting
        case done(RecordOutcome)
        case error(PledgeError)
        /// The attendant types the PIN (after Ctrl-C).
        case attendantPIN
        /// Pause, resume, status, quit.
        case attendantMenu
        /// The kiosk's status for the attendant.
        case status
        /// Quit chosen while pledges still wait in the outbox: asked again.
        case confirmQuit
        /// Paused by the attendant: only Ctrl-C and the PIN do anything.
        case paused
        /// The attendant finds a signer by name (``KioskFlow/Lookup``).
        case findSigner
        /// A found signer's certificate QR again; like the done screen, any key or its timeout ends it.
        case foundCertificate(FoundSigner)

        /// Screens of the attendant, which the idle timeout closes.
        public var isAttendant: Bool {
            switch self {
            case .attendantPIN, .attendantMenu, .status, .confirmQuit, .findSigner: true
            default: false
            }
        }
    }

    /// How the screen is drawn; each signer starts with the kiosk's (``defaultDisplay``), as with
    /// its language.
    public struct Display: Hashable, Sendable {
        /// F2: large text, drawn as the terminal allows (``LargeTextRendering``).
        public var largeText = false
        /// F3: black and white only, selections in reverse video.
        public var highContrast = false
        public init(largeText: Bool = false, highContrast: Bool = false) {
            self.largeText = largeText
            self.highContrast = highContrast
        }
    }

    /// The link to the service, for a front on the LAN; nil in one-machine mode.
    public struct LinkMark: Hashable, Sendable {
        public var online: Bool
        public var waiting: Int
    }

    /// How long the flow waits: the values the tablet kiosk mode shares (``KioskTimeouts``).
    public typealias Timeouts = KioskTimeouts

    public internal(set) var screen: Screen = .welcome
    public internal(set) var language: Language
    /// What the current signer has entered so far.
    public internal(set) var signer = Signer()
    /// The live pledge total, once known.
    public internal(set) var count: Int?
    /// The web flow's link with the presence code of the moment, once known (``FlowEvent/presence(_:)``).
    public internal(set) var presenceLink: String?
    /// The latest time from a tick.
    public internal(set) var now: Duration = .zero
    public internal(set) var display = Display()
    /// How keys become Vietnamese letters on the name screen (F4 switches); each signer starts
    /// with ``defaultInputMethod``.
    public internal(set) var inputMethod = KioskFlow.defaultInputMethod
    /// Telex, in both languages: names are Vietnamese whatever the screen's language, and a word
    /// that is no Vietnamese syllable stays as typed (``VietnameseInput``).
    public static let defaultInputMethod = VietnameseInputMethod.telex
    public internal(set) var link: LinkMark?
    /// Whether the attendant paused the kiosk.
    public internal(set) var paused = false
    /// The attendant's PIN as typed so far, and whether the last try was wrong.
    public internal(set) var pinEntry = ""
    public internal(set) var pinWrong = false
    /// The highlighted row of the attendant's menu.
    public internal(set) var menuChoice = 0
    /// Pledges signed on this front since it started.
    public internal(set) var signedHere = 0
    /// Wrong PINs in a row (the right one resets it), and until when further tries are refused.
    public internal(set) var pinFailures = 0
    public internal(set) var pinLockedUntil: Duration?
    /// The attendant's search by name, while it is open.
    public internal(set) var lookup = Lookup()
    /// Whether the attendant's menu offers to find a signer (the front has a ``PledgeKit/SignerFinder``).
    public let findsSigners: Bool
    /// Receipts of the latest uploads from the outbox (``delivered(_:)``).
    var recentDeliveries: [PledgeReceipt] = []

    /// The PIN that opens the attendant's menu; nil: Ctrl-C quits at once.
    let attendantPIN: String?
    /// Started with `--developer-mode`: the screens say so.
    public let developerMode: Bool
    let defaultLanguage: Language
    /// The display each new signer first sees: a signer's F2 or F3 is theirs alone.
    let defaultDisplay: Display
    let timeouts: Timeouts
    let makeKey: @Sendable () -> IdempotencyKey
    /// The last key press or screen change, for the timeouts.
    var lastActivity: Duration = .zero
    var lastCountRefresh: Duration?

    /// - Parameters:
    ///   - language: the language each new signer first sees.
    ///   - makeKey: makes the idempotency key of each new draft.
    ///   - attendantPIN: opens the attendant's menu after Ctrl-C; nil: Ctrl-C quits.
    ///   - developerMode: the kiosk was started with `--developer-mode` (shown on the welcome
    ///     footer and the status screen).
    ///   - pinFailures: wrong PINs in a row carried over from the screen process before this one
    ///     (the terminal guard restarted it): a lock they earned starts again in full, so a
    ///     restart never resets the back-off.
    ///   - findsSigners: the attendant's menu offers to find a signer by name (``FlowEffect/find(_:)``).
    public init(
        language: Language, timeouts: Timeouts = Timeouts(), attendantPIN: String? = nil,
        developerMode: Bool = false, display: Display = Display(), pinFailures: Int = 0, findsSigners: Bool = false,
        makeKey: @escaping @Sendable () -> IdempotencyKey = { IdempotencyKey.random() }
    ) {
        self.findsSigners = findsSigners
        self.pinFailures = max(0, pinFailures)
        self.pinLockedUntil = Self.pinLockout(afterFailures: self.pinFailures)
        self.attendantPIN = attendantPIN
        self.developerMode = developerMode
        self.display = display
        self.defaultDisplay = display
        self.language = language
        self.defaultLanguage = language
        self.timeouts = timeouts
        self.makeKey = makeKey
    }

    /// Applies one event and says what the driver must do.
    public mutating func handle(_ event: FlowEvent) -> [FlowEffect] {
        switch event {
        case .key(.interrupt):
            lastActivity = now
            return interrupt()
        case .key(.tab):
            lastActivity = now
            language = language.toggled
            return [.redraw]
        case .key(.largeText):
            lastActivity = now
            display.largeText.toggle()
            return [.redraw]
        case .key(.highContrast):
            lastActivity = now
            display.highContrast.toggle()
            return [.redraw]
        case .link(let online, let waiting):
            let mark = LinkMark(online: online, waiting: waiting)
            guard mark != link else { return [] }
            link = mark
            return [.redraw]
        case .key(let key):
            lastActivity = now
            return handleKey(key)
        case .tick(let time):
            now = time
            return handleTick()
        case .counted(let total):
            count = total
            return screen == .welcome ? [.redraw] : []
        case .presence(let link):
            guard link != presenceLink else { return [] }
            presenceLink = link
            return screen == .welcome ? [.redraw] : []
        case .recorded(let outcome):
            guard screen == .submitting else { return [] }
            // The pledge is stored: the signer's answers are no longer needed in memory.
            signer = Signer()
            let shown = settled(outcome)
            count = max(count ?? 0, shown.number ?? 0)
            signedHere += 1
            go(to: .done(shown))
            return [.redraw]
        case .failed(let error):
            guard screen == .submitting else { return [] }
            signer.choice = 0
            go(to: .error(error))
            return [.redraw]
        case .resized:
            return [.redraw]
        case .delivered(let receipt):
            return delivered(receipt)
        case .found(let text, let result):
            return found(text, result)
        }
    }

    /// Seconds left before the flow goes back to welcome by itself, when it should be shown:
    /// always on the done screen, in the last stretch of the idle timeout elsewhere.
    public var secondsLeft: Int? {
        switch screen {
        case .welcome, .submitting, .paused: return nil
        case .done, .foundCertificate:
            return Self.wholeSeconds(timeouts.done - (now - lastActivity))
        default:
            let left = timeouts.idle - (now - lastActivity)
            return left <= timeouts.countdown ? Self.wholeSeconds(left) : nil
        }
    }

    private mutating func handleTick() -> [FlowEffect] {
        switch screen {
        case .welcome:
            if let last = lastCountRefresh, now - last < timeouts.countRefresh { return [] }
            lastCountRefresh = now
            return [.refreshCount]
        case .submitting, .paused:
            return []
        case .done, .foundCertificate:
            return now - lastActivity >= timeouts.done ? backToWelcome() : [.redraw]
        default:
            if now - lastActivity >= timeouts.idle { return backToWelcome() }
            // The PIN screen counts down the wait of a lockout.
            if screen == .attendantPIN, pinLockedUntil != nil { return [.redraw] }
            return secondsLeft == nil ? [] : [.redraw]
        }
    }

    mutating func go(to next: Screen) {
        screen = next
        lastActivity = now
    }

    /// Forgets the signer entirely and shows the welcome screen in the kiosk's language (or the
    /// paused screen, when the attendant paused the kiosk).
    mutating func backToWelcome() -> [FlowEffect] {
        signer = Signer()
        lookup = Lookup()
        pinEntry = ""
        pinWrong = false
        language = defaultLanguage
        display = defaultDisplay
        inputMethod = Self.defaultInputMethod
        if paused {
            go(to: .paused)
            return [.redraw]
        }
        go(to: .welcome)
        lastCountRefresh = now
        return [.refreshCount, .redraw]
    }

    /// Rounds up, so a countdown shows 1 until the very end.
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
