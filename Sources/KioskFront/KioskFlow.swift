import PledgeKit

/// What happens to the kiosk flow: a key, the clock, or an answer from the pledge service.
public enum FlowEvent: Sendable {
    case key(Key)
    /// The time on the kiosk's clock, as a duration since the front started. Time moves only
    /// through this event, so tests drive it by hand.
    case tick(Duration)
    /// The live pledge total.
    case counted(Int)
    case recorded(PledgeReceipt)
    case failed(PledgeError)
    /// The terminal changed size.
    case resized
}

/// What the driver must do after an event.
public enum FlowEffect: Hashable, Sendable {
    /// Record this draft with this key (`PledgeService.record`), then send `.recorded` or `.failed`.
    case submit(PledgeDraft, IdempotencyKey)
    /// Ask for the pledge total (`PledgeService.counts`), then send `.counted`.
    case refreshCount
    /// Draw the screen again.
    case redraw
    /// Leave the front (Ctrl-C, the operator's exit).
    case quit
}

/// The kiosk's screens and timeouts as a plain state machine: no I/O, no clock of its own.
///
/// Welcome → pledge text → name → age band → province → consent → confirm → submitting → done →
/// welcome. Everything about a signer lives in ``signer``, which is replaced by a fresh value
/// whenever the flow goes back to welcome, so nothing of one signer is shown to the next.
public struct KioskFlow: Sendable {
    public enum Screen: Hashable, Sendable {
        case welcome, pledgeText, name, ageBand, province, consent, confirm, submitting
        case done(PledgeReceipt)
        case error(PledgeError)
    }

    /// How long the flow waits; organizers rarely change these.
    public struct Timeouts: Sendable {
        /// No key for this long on a screen that asks something: back to welcome.
        public var idle: Duration = .seconds(90)
        /// The done screen goes back to welcome after this long.
        public var done: Duration = .seconds(60)
        /// The idle countdown shows during this last stretch.
        public var countdown: Duration = .seconds(15)
        /// How often the welcome screen asks for the live count.
        public var countRefresh: Duration = .seconds(5)
        public init() {}
    }

    public internal(set) var screen: Screen = .welcome
    public internal(set) var language: Language
    /// What the current signer has entered so far.
    public internal(set) var signer = Signer()
    /// The live pledge total, once known.
    public internal(set) var count: Int?
    /// The latest time from a tick.
    public internal(set) var now: Duration = .zero

    let defaultLanguage: Language
    let timeouts: Timeouts
    let makeKey: @Sendable () -> IdempotencyKey
    /// The last key press or screen change, for the timeouts.
    var lastActivity: Duration = .zero
    var lastCountRefresh: Duration?

    /// - Parameters:
    ///   - language: the language each new signer first sees.
    ///   - makeKey: makes the idempotency key of each new draft.
    public init(
        language: Language, timeouts: Timeouts = Timeouts(),
        makeKey: @escaping @Sendable () -> IdempotencyKey = { IdempotencyKey.random() }
    ) {
        self.language = language
        self.defaultLanguage = language
        self.timeouts = timeouts
        self.makeKey = makeKey
    }

    /// Applies one event and says what the driver must do.
    public mutating func handle(_ event: FlowEvent) -> [FlowEffect] {
        switch event {
        case .key(.interrupt):
            return [.quit]
        case .key(.tab):
            lastActivity = now
            language = language.toggled
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
        case .recorded(let receipt):
            guard screen == .submitting else { return [] }
            // The pledge is stored: the signer's answers are no longer needed in memory.
            signer = Signer()
            count = max(count ?? 0, receipt.number)
            go(to: .done(receipt))
            return [.redraw]
        case .failed(let error):
            guard screen == .submitting else { return [] }
            signer.choice = 0
            go(to: .error(error))
            return [.redraw]
        case .resized:
            return [.redraw]
        }
    }

    /// Seconds left before the flow goes back to welcome by itself, when it should be shown:
    /// always on the done screen, in the last stretch of the idle timeout elsewhere.
    public var secondsLeft: Int? {
        switch screen {
        case .welcome, .submitting: return nil
        case .done:
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
        case .submitting:
            return []
        case .done:
            return now - lastActivity >= timeouts.done ? backToWelcome() : [.redraw]
        default:
            if now - lastActivity >= timeouts.idle { return backToWelcome() }
            return secondsLeft == nil ? [] : [.redraw]
        }
    }

    mutating func go(to next: Screen) {
        screen = next
        lastActivity = now
    }

    /// Forgets the signer entirely and shows the welcome screen in the kiosk's language.
    mutating func backToWelcome() -> [FlowEffect] {
        signer = Signer()
        language = defaultLanguage
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
