import PledgeKit

extension KioskFlow {
    /// What the attendant's menu offers, in order (``attendantOptions``: the ones shown).
    public enum AttendantOption: CaseIterable, Hashable, Sendable {
        /// `find` last, so the numbers of the others stay what attendants learnt.
        case pause, resume, status, quit, find
    }

    /// The longest PIN the entry screen takes.
    static let maximumPINLength = 12

    /// Wrong PINs in a row that are let go before tries are refused for a while.
    static let pinFreeTries = 3
    /// The first lockout, after ``pinFreeTries`` wrong PINs; each further wrong PIN doubles it,
    /// up to ``longestPINLockout``: guessing a 4-digit PIN then takes weeks (about 5,000 tries of
    /// 15 min each), not minutes.
    static let firstPINLockout = Duration.seconds(30)
    static let longestPINLockout = Duration.seconds(15 * 60)

    /// How long a try of the PIN is still refused; nil when a try is allowed now.
    public var pinWaitLeft: Duration? {
        guard let until = pinLockedUntil, now < until else { return nil }
        return until - now
    }

    /// The lockout after `failures` wrong PINs in a row: none for the first ``pinFreeTries``,
    /// then 30 s, 60 s, 120 s, … up to 15 min.
    static func pinLockout(afterFailures failures: Int) -> Duration? {
        guard failures >= pinFreeTries else { return nil }
        // 2^5 × 30 s already passes 15 min: the exponent is capped before it can overflow.
        let doublings = min(failures - pinFreeTries, 5)
        return min(firstPINLockout * (1 << doublings), longestPINLockout)
    }

    /// Ctrl-C: with a PIN set, the PIN screen (the signer's answers are dropped first, so the menu
    /// never shows them); without one, quit. Ignored while a pledge is being saved, so its receipt
    /// still reaches the signer.
    mutating func interrupt() -> [FlowEffect] {
        guard attendantPIN != nil else { return [.quit] }
        switch screen {
        case .submitting, .attendantPIN, .attendantMenu, .status, .confirmQuit, .findSigner: return []
        default: break
        }
        signer = Signer()
        pinEntry = ""
        pinWrong = false
        go(to: .attendantPIN)
        return [.redraw]
    }

    mutating func attendantKey(_ key: Key) -> [FlowEffect] {
        switch screen {
        case .attendantPIN: return pinKey(key)
        case .attendantMenu: return menuKey(key)
        case .confirmQuit:
            if key == .enter { return [.quit] }
            if key == .escape { go(to: .attendantMenu) }
            return [.redraw]
        case .status:
            if key == .escape || key == .enter { go(to: .attendantMenu) }
            return [.redraw]
        default:  // paused: only Ctrl-C (handled before) does anything
            return []
        }
    }

    private mutating func pinKey(_ key: Key) -> [FlowEffect] {
        // During a lockout no try is taken: the screen says how long to wait.
        let locked = pinWaitLeft != nil
        switch key {
        case .text(let text):
            guard !locked else { return [.redraw] }
            let digits = text.filter { ("0"..."9").contains($0) }
            pinEntry += String(digits.prefix(max(0, Self.maximumPINLength - pinEntry.count)))
            pinWrong = false
        case .backspace:
            if !pinEntry.isEmpty { pinEntry.removeLast() }
        case .enter:
            guard !locked else {
                pinEntry = ""
                return [.redraw]
            }
            if let attendantPIN, Self.sameDigits(pinEntry, attendantPIN) {
                pinFailures = 0
                pinLockedUntil = nil
                menuChoice = paused ? 1 : 0
                go(to: .attendantMenu)
            } else {
                pinWrong = true
                pinFailures += 1
                pinLockedUntil = Self.pinLockout(afterFailures: pinFailures).map { now + $0 }
            }
            pinEntry = ""
        case .escape:
            return backToWelcome()
        default:
            return []
        }
        return [.redraw]
    }

    private mutating func menuKey(_ key: Key) -> [FlowEffect] {
        let options = attendantOptions
        switch key {
        case .text(let text):
            guard let number = Int(text), (1...options.count).contains(number) else { return [] }
            menuChoice = number - 1
        case .up: menuChoice = max(0, menuChoice - 1)
        case .down: menuChoice = min(options.count - 1, menuChoice + 1)
        case .escape: return backToWelcome()
        case .enter:
            switch options[menuChoice] {
            case .pause:
                paused = true
                return backToWelcome() + [.report(.paused)]
            case .resume:
                paused = false
                return backToWelcome() + [.report(.ready)]
            case .status:
                go(to: .status)
            case .quit:
                // Pledges still in a front's outbox are safe there, but the attendant should
                // know they have not reached the service: asked again.
                guard let link, link.waiting > 0 else { return [.quit] }
                go(to: .confirmQuit)
            case .find:
                openFind()
            }
        default: return []
        }
        return [.redraw]
    }

    /// Compares every character whatever differs, so timing tells nothing of the PIN.
    static func sameDigits(_ typed: String, _ pin: String) -> Bool {
        let lhs = Array(typed.utf8)
        let rhs = Array(pin.utf8)
        var difference = lhs.count == rhs.count ? 0 : 1
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= Int((index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0))
        }
        return difference == 0
    }
}
