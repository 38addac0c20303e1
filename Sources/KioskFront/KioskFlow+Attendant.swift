import PledgeKit

extension KioskFlow {
    /// What the attendant's menu offers, in order.
    public enum AttendantOption: CaseIterable, Hashable, Sendable {
        case pause, resume, status, quit
    }

    /// The longest PIN the entry screen takes.
    static let maximumPINLength = 12

    /// Ctrl-C: with a PIN set, the PIN screen (the signer's answers are dropped first, so the menu
    /// never shows them); without one, quit. Ignored while a pledge is being saved, so its receipt
    /// still reaches the signer.
    mutating func interrupt() -> [FlowEffect] {
        guard attendantPIN != nil else { return [.quit] }
        switch screen {
        case .submitting, .attendantPIN, .attendantMenu, .status: return []
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
        case .status:
            if key == .escape || key == .enter { go(to: .attendantMenu) }
            return [.redraw]
        default:  // paused: only Ctrl-C (handled before) does anything
            return []
        }
    }

    private mutating func pinKey(_ key: Key) -> [FlowEffect] {
        switch key {
        case .text(let text):
            let digits = text.filter { ("0"..."9").contains($0) }
            pinEntry += String(digits.prefix(max(0, Self.maximumPINLength - pinEntry.count)))
            pinWrong = false
        case .backspace:
            if !pinEntry.isEmpty { pinEntry.removeLast() }
        case .enter:
            if let attendantPIN, Self.sameDigits(pinEntry, attendantPIN) {
                menuChoice = paused ? 1 : 0
                go(to: .attendantMenu)
            } else {
                pinWrong = true
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
        let options = AttendantOption.allCases
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
                return [.quit]
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
