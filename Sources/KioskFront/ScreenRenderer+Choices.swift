import PledgeKit

extension ScreenRenderer {
    /// The province screen: the search line and a window of the list that keeps the highlighted
    /// row in sight. When the list does not fit, a line above and below it says how many entries
    /// are out of sight there.
    func province(_ flow: KioskFlow, width: Int, height: Int) -> [Row] {
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
        let labels = options.map { option in
            option.map { match in
                match.formerName.map {
                    text.province.formerName[language].filled(["name": match.province.name, "former": $0])
                } ?? match.province.name
            } ?? text.province.preferNotToSay[language]
        }
        return rows
            + listWindow(
                labels, selected: signer.provinceChoice, room: max(1, height - rows.count), language: language)
    }

    /// The rows of a list of `labels` in at most `room` rows (but three), the `selected` one
    /// highlighted and in sight. A list that does not fit gets a line above and below the
    /// entries shown, saying how many are hidden there (blank when none are).
    func listWindow(_ labels: [String], selected: Int, room: Int, language: Language) -> [Row] {
        let guidance = text.guidanceOrDefault
        guard labels.count > room else {
            return labels.indices.map { option(labels[$0], selected: $0 == selected) }
        }
        let shown = max(1, room - 2)
        let first = min(max(0, selected - shown / 2), labels.count - shown)
        let end = first + shown
        func mark(_ template: Localized<String>, _ hidden: Int) -> Row {
            hidden > 0 ? .text("   " + template[language].filled(["count": String(hidden)]), .bold) : .blank
        }
        return [mark(guidance.moreAbove, first)]
            + (first..<end).map { option(labels[$0], selected: $0 == selected) }
            + [mark(guidance.moreBelow, labels.count - end)]
    }

    /// The consent screen: what is printed and kept follows the highlighted choice of the
    /// guardian question (``KioskFlow/Signer/namePrintedAsChosen``); with a name, how long it is
    /// kept (``EventDetails/retainPersonalDataUntil``). On a screen too short for all of it, the
    /// question and its answers stay in sight: the list of what is kept goes first, then the title.
    func consent(_ flow: KioskFlow, width: Int, height: Int) -> [Row] {
        let language = flow.language
        let signer = flow.signer
        let printed = signer.namePrintedAsChosen
        let title = wrapped(text.consent.title[language], width, .title) + [.blank]
        let stored =
            printed
            ? text.consent.storedName[language].filled(["name": VietnameseText.nfc(signer.name)])
            : text.consent.storedAnonymous[language]
        var kept = bulleted(stored, width)
        if printed { kept += bulleted(retention(language), width) }
        kept += bulleted(text.consent.counted[language], width)
        if printed { kept += bulleted(text.consent.deletion[language], width) }
        var choice: [Row]
        if signer.needsGuardianQuestion {
            choice = wrapped(text.consent.guardianQuestion[language], width, .bold) + [.blank]
            choice += option("1. \(text.consent.guardianAgrees[language])", selected: signer.choice == 0, width: width)
            choice += option(
                "2. \(text.consent.anonymousInstead[language])", selected: signer.choice == 1, width: width)
        } else {
            choice = [.bar(text.consent.agree[language], .selected)]
        }
        for rows in [title + kept + [.blank] + choice, title + choice] where rows.count <= height { return rows }
        return choice
    }

    /// How long a name is kept, in `language`: until the event's retention date, or, without one,
    /// until it is erased.
    func retention(_ language: Language) -> String {
        let guidance = text.guidanceOrDefault
        guard let day = event.retainPersonalDataUntil else { return guidance.retentionUnset[language] }
        return guidance.retention[language].filled(["date": day.displayText[language]])
    }

    /// The refusal of a name over the limit: its length as the store counts it (``TextField/name``:
    /// NFC, white space collapsed) and what to do; nothing when the name is refused for another
    /// reason (a letter with too many marks), which the store's message says.
    func nameLength(_ flow: KioskFlow, width: Int) -> [Row] {
        guard flow.signer.nameProblem?.code == .nameTooLong else { return [] }
        let counted = VietnameseText.collapsingWhitespace(VietnameseText.nfc(flow.signer.name)).count
        guard counted > TextField.name.maxLength else { return [] }
        let words = text.guidanceOrDefault.nameLength[flow.language].filled([
            "count": String(counted), "max": String(TextField.name.maxLength),
        ])
        return wrapped(words, width, .error)
    }
}
