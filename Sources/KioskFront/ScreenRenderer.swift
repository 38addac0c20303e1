import PledgeKit

/// Draws the kiosk flow's current screen as terminal lines: pure, so frames can be tested.
///
/// A frame is a header bar (campaign name, language key), the screen's body in a centred
/// column, the idle countdown when it runs, and a footer bar with the keys of the screen.
/// Every line fits the width, and there are never more lines than the terminal has.
public struct ScreenRenderer: Sendable {
    public let text: FrontText
    public let event: EventDetails
    /// Set when the terminal guard started this screen again: shown to the attendant.
    public let restart: RestartNotice?
    /// How F2's large text is drawn on this terminal (``LargeTextRendering``); the front changes it
    /// when the Linux console's font has been switched.
    public var largeText: LargeTextRendering

    public init(
        text: FrontText, event: EventDetails, restart: RestartNotice? = nil, largeText: LargeTextRendering = .widened
    ) {
        self.text = text
        self.event = event
        self.restart = restart
        self.largeText = largeText
    }

    /// One row of a screen's body.
    enum Row {
        case text(String, Style = .plain, centered: Bool = false)
        /// A highlighted bar as wide as the column (a selected option, the input field).
        case bar(String, Style)
        /// A line that carries its own colours (a QR row), centred.
        case raw(String, width: Int)
        /// A raw line with text to its right.
        case pair(String, width: Int, String, Style)
        case blank
    }

    /// The frame for `flow` on a terminal of `columns` × `lines`, one string per line, with SGR
    /// colours; at most `lines` strings.
    public func render(_ flow: KioskFlow, columns: Int, lines: Int) -> [String] {
        let columns = max(columns, 1)
        let lines = max(lines, 1)
        let language = flow.language
        let countdown = countdownText(flow)
        let height = max(0, lines - 3 - (countdown == nil ? 0 : 1))
        let (body, width, margin) = bodyLines(flow, columns: columns, height: height)

        var frame = [
            Self.bar(
                " " + text.common.campaign[language].uppercased(),
                right: text.common.switchLanguage[language] + " · " + text.common.displayKeys[language] + " ",
                .header, columns)
        ]
        if lines > 2 { frame.append("") }
        frame += body
        while frame.count < lines - 1 - (countdown == nil ? 0 : 1) { frame.append("") }
        if let countdown, frame.count < lines - 1 {
            frame.append(Self.line(.bar(countdown, .warning), margin: margin, width: width, columns: columns))
        }
        if frame.count < lines {
            frame.append(Self.bar(" " + footer(flow), right: footerMarks(flow, columns: columns), .footer, columns))
        }
        let shown = Array(frame.prefix(lines))
        return Self.withLineSizes(flow.display.highContrast ? shown.map(Style.highContrast) : shown, largeText)
    }

    /// The footer's right corner: the link mark, and on the welcome screen the restart notice
    /// before it when both fit beside the key hint (else the link mark alone).
    private func footerMarks(_ flow: KioskFlow, columns: Int) -> String {
        let link = linkMark(flow)
        guard flow.screen == .welcome, let notice = restartText(flow.language) else {
            return link.map { $0 + " " } ?? ""
        }
        let both = ([notice] + (link.map { [$0] } ?? [])).joined(separator: " · ") + " "
        let room = columns - TerminalText.width(" " + footer(flow)) - 1
        return TerminalText.width(both) <= room ? both : link.map { $0 + " " } ?? ""
    }

    /// ``restart`` in words, or nil when the screen was not restarted.
    func restartText(_ language: Language) -> String? {
        guard let restart else { return nil }
        return text.common.restartedMark[language].filled([
            "count": NumberText.grouped(restart.count, language), "time": restart.clockText,
        ])
    }

    /// The attendant's quiet mark in the footer's corner: the service cannot be reached, or
    /// pledges wait to be uploaded. Nothing when all is well, or in one-machine mode.
    private func linkMark(_ flow: KioskFlow) -> String? {
        guard let link = flow.link else { return nil }
        let waiting = ["waiting": String(link.waiting)]
        if !link.online { return text.common.offlineMark[flow.language].filled(waiting) }
        return link.waiting > 0 ? text.common.waitingMark[flow.language].filled(waiting) : nil
    }

    /// Large text: every plain line bold, and a blank line between lines when the screen has room.
    static func enlarged(_ rows: [Row], height: Int) -> [Row] {
        let bold = rows.map { row -> Row in
            if case .text(let string, .plain, let centered) = row { return .text(string, .bold, centered: centered) }
            return row
        }
        // No blank line inside a box: after its top edge or a line of its body.
        let spaced = bold.flatMap { row -> [Row] in
            switch row {
            case .blank, .raw, .pair: [row]
            case .text(let string, _, _) where string.hasPrefix("┌") || string.hasPrefix("│"): [row]
            default: [row, .blank]
            }
        }
        return spaced.count <= height ? spaced : bold
    }

    private func countdownText(_ flow: KioskFlow) -> String? {
        guard let seconds = flow.secondsLeft else { return nil }
        switch flow.screen {
        case .done, .foundCertificate: return nil  // the done screen says it in its footer
        default: break
        }
        return text.common.idleCountdown[flow.language].filled(["seconds": String(seconds)])
    }

    /// The key hints of the footer.
    private func footer(_ flow: KioskFlow) -> String {
        let language = flow.language
        switch flow.screen {
        case .welcome:
            let start = text.welcome.start[language]
            return flow.developerMode ? start + " · " + text.attendant.developerMode[language] : start
        case .pledgeText: return text.pledge.hint[language]
        case .name: return text.name.hint[language]
        case .ageBand: return text.ageBand.hint[language]
        case .province: return text.province.hint[language]
        case .consent:
            return flow.signer.needsGuardianQuestion
                ? text.consent.guardianHint[language] : text.consent.agree[language]
        case .confirm: return text.confirm.hint[language]
        case .submitting: return text.submitting.text[language]
        case .done, .foundCertificate:
            return text.done.countdown[language].filled(["seconds": String(flow.secondsLeft ?? 0)])
        case .findSigner: return text.findOrDefault.hint[language]
        case .error: return text.error.hint[language]
        case .attendantPIN: return text.attendant.pinHint[language]
        case .attendantMenu: return text.attendant.menuHint[language]
        case .status: return text.attendant.statusHint[language]
        case .confirmQuit: return text.attendant.quitWaitingHint[language]
        case .paused: return text.attendant.pausedHint[language]
        }
    }

    /// A full-width bar with text at the left and, if room remains, at the right.
    static func bar(_ left: String, right: String, _ style: Style, _ columns: Int) -> String {
        let leftPart = TerminalText.shortened(left, to: columns)
        let gap = columns - TerminalText.width(leftPart) - TerminalText.width(right)
        let content =
            gap >= 1
            ? leftPart + String(repeating: " ", count: gap) + right
            : leftPart + String(repeating: " ", count: columns - TerminalText.width(leftPart))
        return style.sgr + content + Style.reset
    }

    /// One body row placed in the centred column.
    static func line(_ row: Row, margin: Int, width: Int, columns: Int) -> String {
        let indent = String(repeating: " ", count: margin)
        switch row {
        case .blank:
            return ""
        case .text(let string, let style, let centered):
            let shown = TerminalText.truncated(string, to: width)
            let pad = centered ? (width - TerminalText.width(shown)) / 2 : 0
            let body = style == .plain ? shown : style.sgr + shown + Style.reset
            return indent + String(repeating: " ", count: pad) + body
        case .bar(let string, let style):
            let shown = TerminalText.truncated(" " + string, to: width)
            let fill = String(repeating: " ", count: width - TerminalText.width(shown))
            return indent + style.sgr + shown + fill + Style.reset
        case .raw(let string, let rawWidth):
            return String(repeating: " ", count: max(0, (columns - rawWidth) / 2)) + string
        case .pair(let string, let rawWidth, let right, let style):
            let left = String(repeating: " ", count: max(0, margin)) + string
            let room = columns - margin - rawWidth - 2
            guard room > 0, !right.isEmpty else { return left }
            let shown = TerminalText.truncated(right, to: room)
            return left + "  " + (style == .plain ? shown : style.sgr + shown + Style.reset)
        }
    }
}
