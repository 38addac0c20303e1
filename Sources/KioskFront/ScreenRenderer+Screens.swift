import PledgeKit

extension ScreenRenderer {
    struct Layout {
        var rows: [Row]
        var centredVertically = false
    }

    /// The body of the current screen, in at most `height` rows of `width` columns.
    func body(_ flow: KioskFlow, width: Int, height: Int) -> Layout {
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
            // The cursor is hidden; an underscore shows where typing goes.
            let typed = VietnameseText.nfc(signer.name)
            let room = max(1, width - 3)
            let visible = TerminalText.width(typed) < room ? typed : String(typed.suffix(room - 1))
            rows += [.bar(visible + "_", .input), .blank]
            if let problem = signer.nameProblem {
                rows += wrapped(problem.message[language], width, .error) + [.blank]
            }
            rows += wrapped(text.name.anonymousHint[language], width, .bold)
            return Layout(rows: rows)
        case .ageBand:
            var rows = wrapped(text.ageBand.title[language], width, .title) + [.blank]
            for (index, band) in AgeBand.allCases.enumerated() {
                rows.append(option("\(index + 1). \(band.label[language])", selected: signer.ageChoice == index))
            }
            return Layout(rows: rows + [.blank] + wrapped(text.ageBand.note[language], width))
        case .province:
            return Layout(rows: province(flow, width: width, height: height))
        case .consent:
            return Layout(rows: consent(flow, width: width))
        case .confirm:
            return Layout(rows: confirm(flow, width: width))
        case .submitting:
            return Layout(
                rows: wrapped(text.submitting.text[language], width, .bold, centered: true), centredVertically: true)
        case .done(let receipt):
            return Layout(rows: done(receipt, flow, width: width, height: height), centredVertically: true)
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
                rows.append(option("\(index + 1). \(label)", selected: signer.choice == index))
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
        if rows.count + help.count <= height { rows += help }
        return rows
    }

    private func province(_ flow: KioskFlow, width: Int, height: Int) -> [Row] {
        let language = flow.language
        let signer = flow.signer
        var rows = wrapped(text.province.title[language], width, .title)
        rows.append(
            signer.provinceFilter.isEmpty
                ? .text(text.province.filterHint[language])
                : .bar(
                    text.province.filter[language].filled(["filter": VietnameseText.nfc(signer.provinceFilter) + "_"]),
                    .input)
        )
        rows.append(.blank)
        let options = flow.provinceMatches
        guard !options.isEmpty else { return rows + wrapped(text.province.noMatch[language], width, .error) }
        // A window of the list that keeps the highlighted row in sight.
        let room = max(1, height - rows.count)
        let first = min(max(0, signer.provinceChoice - room / 2), max(0, options.count - room))
        for index in first..<min(options.count, first + room) {
            let name =
                options[index].map { match in
                    match.formerName.map {
                        text.province.formerName[language].filled(["name": match.province.name, "former": $0])
                    }
                        ?? match.province.name
                } ?? text.province.preferNotToSay[language]
            rows.append(option(name, selected: index == signer.provinceChoice))
        }
        return rows
    }

    private func consent(_ flow: KioskFlow, width: Int) -> [Row] {
        let language = flow.language
        let signer = flow.signer
        var rows = wrapped(text.consent.title[language], width, .title) + [.blank]
        let stored =
            signer.givesName
            ? text.consent.storedName[language].filled(["name": VietnameseText.nfc(signer.name)])
            : text.consent.storedAnonymous[language]
        rows += bulleted(stored, width) + bulleted(text.consent.counted[language], width)
        if signer.givesName { rows += bulleted(text.consent.deletion[language], width) }
        guard signer.needsGuardianQuestion else {
            return rows + [.blank, .bar(text.consent.agree[language], .selected)]
        }
        rows += [.blank] + wrapped(text.consent.guardianQuestion[language], width, .bold) + [.blank]
        rows.append(option("1. \(text.consent.guardianAgrees[language])", selected: signer.choice == 0))
        rows.append(option("2. \(text.consent.anonymousInstead[language])", selected: signer.choice == 1))
        return rows
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
        return rows + [.blank, .bar(labels.hint[language], .selected)]
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

    func option(_ label: String, selected: Bool) -> Row {
        selected ? .bar("▶ " + label, .selected) : .text("   " + label)
    }
}
