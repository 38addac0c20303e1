import PledgeKit
import QRCode

extension ScreenRenderer {
    struct Layout {
        var rows: [Row]
        var centredVertically = false
    }

    /// The body of the current screen, in at most `height` rows of `width` columns; a QR may use
    /// the terminal's `columns` (default: the column and its margins).
    func body(_ flow: KioskFlow, width: Int, height: Int, columns: Int? = nil) -> Layout {
        let language = flow.language
        let signer = flow.signer
        switch flow.screen {
        case .welcome:
            return Layout(rows: welcome(flow, width: width, height: height), centredVertically: true)
        case .pledgeText:
            let pledge = event.pledgeText[language]
            var rows = wrapped(pledge.title, width, .title)
            for commitment in pledge.commitments {
                rows.append(.blank)
                rows += bulleted(commitment, width)
            }
            return Layout(rows: rows)
        case .name:
            var rows = wrapped(text.name.title[language], width, .title) + [.blank]
            rows += wrapped(text.name.prompt[language], width)
            // The cursor is hidden; an underscore shows where typing goes. The box's right border
            // stays in its column whatever the name: widths count grapheme clusters, in NFC.
            let typed = VietnameseText.nfc(signer.name)
            rows += Self.inputField(typed, width: width, largeText: flow.display.largeText)
            rows += inputMethodRows(flow, width: width) + [.blank]
            if let problem = signer.nameProblem {
                // Over the length: how long and what to do, not also the store's "or too many marks".
                let length = nameLength(flow, width: width)
                rows += (length.isEmpty ? wrapped(problem.message[language], width, .error) : length) + [.blank]
            }
            rows += wrapped(text.name.anonymousHint[language], width, .bold)
            return Layout(rows: rows)
        case .ageBand:
            var rows = wrapped(text.ageBand.title[language], width, .title) + [.blank]
            for (index, band) in AgeBand.allCases.enumerated() {
                rows += option(
                    "\(index + 1). \(band.label[language])", selected: signer.ageChoice == index, width: width)
            }
            if signer.nothingChosen {
                rows += [.blank] + wrapped(text.guidanceOrDefault.ageBandNotChosen[language], width, .warning)
            }
            return Layout(rows: rows + [.blank] + wrapped(text.ageBand.note[language], width))
        case .province:
            return Layout(rows: province(flow, width: width, height: height))
        case .consent:
            return Layout(rows: consent(flow, width: width, height: height))
        case .confirm:
            return Layout(rows: confirm(flow, width: width))
        case .submitting:
            return Layout(
                rows: wrapped(text.submitting.text[language], width, .bold, centered: true), centredVertically: true)
        case .done(let receipt):
            return Layout(
                rows: done(receipt, flow, width: width, height: height, columns: columns ?? width + 4),
                centredVertically: true)
        case .findSigner:
            return Layout(rows: findSigner(flow, width: width, height: height))
        case .foundCertificate(let found):
            // The done screen again, as the signer first saw it.
            return Layout(
                rows: done(.recorded(found.receipt), flow, width: width, height: height, columns: columns ?? width + 4),
                centredVertically: true)
        case .attendantPIN, .attendantMenu, .status, .paused, .confirmQuit:
            return Layout(rows: attendant(flow, width: width), centredVertically: flow.screen == .paused)
        case .error(let error):
            var rows = wrapped(text.error.title[language], width, .title) + [.blank]
            rows += wrapped(error.message[language], width, .error) + [.blank]
            for (index, choice) in KioskFlow.errorOptions(for: error).enumerated() {
                let label =
                    switch choice {
                    case .retry: text.error.retry[language]
                    case .pledgeAnonymously: text.error.anonymous[language]
                    case .editName: text.error.editName[language]
                    case .back: text.error.back[language]
                    }
                rows += option("\(index + 1). \(label)", selected: signer.choice == index, width: width)
            }
            return Layout(rows: rows)
        }
    }

    private func welcome(_ flow: KioskFlow, width: Int, height: Int) -> [Row] {
        let language = flow.language
        var rows: [Row] = [.text(text.common.campaign[language].uppercased(), .title, centered: true), .blank]
        rows += wrapped(text.welcome.invitation[language], width, centered: true) + [.blank]
        rows += wrapped(event.name, width, .bold, centered: true)
        rows += wrapped("\(event.place) · \(event.displayDate[language])", width, centered: true) + [.blank]
        let count = flow.count.map { text.welcome.count[language].filled(["count": NumberText.grouped($0, language)]) }
        let countStyle: Style = flow.count == nil ? .bold : .count
        rows += [.text(" \(count ?? text.welcome.countUnknown[language]) ", countStyle, centered: true), .blank]
        rows += [.text(" \(text.welcome.start[language]) ", .selected, centered: true)]
        // Where to get help, when there is room for it.
        var help: [Row] = [.blank, .text(text.welcome.helpTitle[language], .bold)]
        for resource in event.resources {
            help += wrapped("\(resource.value) · \(resource.name[language])", width)
        }
        if flow.presenceLink != nil { return withPresence(rows, help: help, flow, width: width, height: height) }
        if rows.count + help.count <= height { rows += help }
        return rows
    }

    /// The welcome screen with the web flow's QR at its left, when the flow has a presence link
    /// and the terminal has room for the whole code beside the text (a clipped code would not
    /// scan); without room, the link in words below. The help lines follow where they fit.
    private func withPresence(_ rows: [Row], help: [Row], _ flow: KioskFlow, width: Int, height: Int) -> [Row] {
        guard let link = flow.presenceLink else { return rows }
        let language = flow.language
        let code = PresenceCodes.shownCode(inLink: link)
        let phone = text.welcome.phoneOrDefault[language].filled(["code": code])
        if let qr = try? QRCode(encoding: link) {
            let size = qr.terminalSize(quietZone: Self.quietZone)
            let sideRoom = width + 4 - size.columns - 2
            if sideRoom >= 30, size.lines <= height {
                var side: [(String, Style)] = []
                for row in rows + [.blank] + wrapped(phone, sideRoom, .bold) + help {
                    switch row {
                    case .blank: side.append(("", .plain))
                    case .text(let string, let style, _):
                        side += TerminalText.wrap(string, to: sideRoom).map { ($0, style) }
                    case .bar(let string, let style): side.append((" \(string) ", style))
                    case .raw, .pair: break
                    }
                }
                // Longer than the screen: the help lines at the end are the first to go.
                side = Array(side.prefix(height))
                let lines = qr.terminalLines(quietZone: Self.quietZone)
                let count = max(lines.count, side.count)
                let qrTop = (count - lines.count) / 2
                let sideTop = (count - side.count) / 2
                let empty = String(repeating: " ", count: size.columns)
                return (0..<count).map { index in
                    let line = index >= qrTop && index - qrTop < lines.count ? lines[index - qrTop] : empty
                    let entry = index >= sideTop && index - sideTop < side.count ? side[index - sideTop] : ("", .plain)
                    return .pair(line, width: size.columns, entry.0, entry.1)
                }
            }
        }
        let words = [Row.blank] + wrapped(phone, width, centered: true) + wrapped(link, width, .bold, centered: true)
        let shown = rows.count + words.count <= height ? rows + words : rows
        return shown.count + help.count <= height ? shown + help : shown
    }

    private func confirm(_ flow: KioskFlow, width: Int) -> [Row] {
        let language = flow.language
        let signer = flow.signer
        let labels = text.confirm
        var rows = wrapped(labels.title[language], width, .title) + [.blank]
        let name = signer.givesName ? VietnameseText.nfc(signer.name) : labels.anonymous[language]
        rows += wrapped("\(labels.name[language]): \(name)", width, .bold)
        rows += wrapped("\(labels.ageBand[language]): \(signer.ageBand?.label[language] ?? "")", width)
        rows += wrapped("\(labels.province[language]): \(signer.province?.name ?? labels.notSaid[language])", width)
        if signer.draft?.guardianConsent == true {
            rows += wrapped("\(labels.guardian[language]): \(labels.guardianAgreed[language])", width)
        }
        // What signs, right under the answers (the trial missed it in the footer alone, far
        // below on a tall screen); the footer lists the keys, as on every screen.
        return rows + [.blank, .bar(labels.signPrompt[language], .selected)]
    }

    /// Lines in a box drawn with box-drawing characters, as wide as the column.
    static func box(_ lines: [String], width: Int) -> [Row] {
        let inner = max(1, width - 4)
        let edge = String(repeating: "─", count: inner + 2)
        let body = lines.map { line -> Row in
            let shown = TerminalText.truncated(line, to: inner)
            return .text("│ " + shown + String(repeating: " ", count: inner - TerminalText.width(shown)) + " │", .bold)
        }
        return [.text("┌" + edge + "┐")] + body + [.text("└" + edge + "┘")]
    }

    private func attendant(_ flow: KioskFlow, width: Int) -> [Row] {
        let language = flow.language
        let words = text.attendant
        switch flow.screen {
        case .attendantPIN:
            var rows = wrapped(words.pinTitle[language], width, .title) + [.blank]
            rows += wrapped(words.pinPrompt[language], width)
            rows += Self.box([String(repeating: "•", count: flow.pinEntry.count) + "_"], width: min(width, 24))
            if let wait = flow.pinWaitLeft {
                rows +=
                    [.blank]
                    + wrapped(words.pinLocked[language].filled(["wait": Self.minutesSeconds(wait)]), width, .error)
            } else if flow.pinWrong {
                rows += [.blank] + wrapped(words.pinWrong[language], width, .error)
            }
            return rows
        case .confirmQuit:
            let waiting = ["waiting": NumberText.grouped(flow.link?.waiting ?? 0, language)]
            return wrapped(words.quitWaitingTitle[language], width, .title) + [.blank]
                + wrapped(words.quitWaitingText[language].filled(waiting), width, .bold)
        case .attendantMenu:
            var rows = wrapped(words.menuTitle[language], width, .title) + [.blank]
            for (index, entry) in flow.attendantOptions.enumerated() {
                let label =
                    switch entry {
                    case .pause: words.pause[language]
                    case .resume: words.resume[language]
                    case .status: words.status[language]
                    case .quit: words.quit[language]
                    case .find: text.findOrDefault.option[language]
                    }
                rows += option("\(index + 1). \(label)", selected: flow.menuChoice == index, width: width)
            }
            return rows
        case .status:
            var rows = wrapped(words.statusTitle[language], width, .title) + [.blank]
            rows += wrapped("\(words.kiosk[language]): \(event.kioskID)", width, .bold)
            rows += wrapped((flow.paused ? words.paused : words.ready)[language], width)
            if let link = flow.link {
                rows += wrapped((link.online ? words.linkOnline : words.linkOffline)[language], width)
                rows += wrapped(words.waiting[language].filled(["waiting": String(link.waiting)]), width)
            } else {
                rows += wrapped(words.linkLocal[language], width)
            }
            rows += wrapped(
                words.signedHere[language].filled(["count": NumberText.grouped(flow.signedHere, language)]), width)
            if flow.developerMode { rows += [.blank] + wrapped(words.developerMode[language], width, .warning) }
            if let restarted = restartText(language) { rows += wrapped(restarted, width, .warning) }
            return rows
        default:
            return wrapped(words.pausedTitle[language], width, .title, centered: true) + [.blank]
                + wrapped(words.pausedText[language], width, centered: true)
        }
    }

    /// A wait as minutes and seconds, rounded up: "14:59", "0:30".
    static func minutesSeconds(_ duration: Duration) -> String {
        let seconds = KioskFlow.wholeSeconds(duration)
        return "\(seconds / 60):" + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60)"
    }

    func wrapped(_ string: String, _ width: Int, _ style: Style = .plain, centered: Bool = false) -> [Row] {
        TerminalText.wrap(string, to: width).map { .text($0, style, centered: centered) }
    }

    /// A paragraph with a bullet and a hanging indent.
    func bulleted(_ string: String, _ width: Int) -> [Row] {
        TerminalText.wrap(string, to: max(1, width - 2)).enumerated().map { index, line in
            .text((index == 0 ? "• " : "  ") + line)
        }
    }

    /// One entry of a list that scrolls (``listWindow(_:selected:room:language:)``): one row, cut
    /// to the column when longer.
    func option(_ label: String, selected: Bool) -> Row {
        selected ? .bar("▶ " + label, .selected) : .text("   " + label)
    }

    /// A choice whose whole label must be read (a consent, an age band, a menu entry): wrapped to
    /// `width` under its first line (at 40 columns "1. Cha mẹ / người giám hộ của tôi đồng ý" lost
    /// its last words, and with them its meaning).
    func option(_ label: String, selected: Bool, width: Int) -> [Row] {
        TerminalText.wrap(label, to: max(1, width - 3)).enumerated().map { index, line in
            selected ? .bar((index == 0 ? "▶ " : "  ") + line, .selected) : .text("   " + line)
        }
    }
}
