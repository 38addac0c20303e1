import PledgeKit

extension KioskFlow {
    /// A key on the current screen (Tab and Ctrl-C are handled for every screen before).
    mutating func handleKey(_ key: Key) -> [FlowEffect] {
        switch screen {
        case .welcome:
            guard key != .escape else { return [] }
            signer = Signer()
            go(to: .pledgeText)
        case .pledgeText:
            if key == .enter { go(to: .name) }
            if key == .escape { return backToWelcome() }
        case .name:
            nameKey(key)
        case .ageBand:
            ageBandKey(key)
        case .province:
            provinceKey(key)
        case .consent:
            consentKey(key)
        case .confirm:
            if key == .escape { backToConsent() }
            if key == .enter { return submit() }
        case .submitting:
            // Waiting for the store: a second Enter must not send the pledge twice.
            return []
        case .done, .foundCertificate:
            return backToWelcome()
        case .error(let error):
            return errorKey(key, error)
        case .attendantPIN, .attendantMenu, .status, .paused, .confirmQuit:
            return attendantKey(key)
        case .findSigner:
            return findKey(key)
        }
        return [.redraw]
    }

    private mutating func nameKey(_ key: Key) {
        switch key {
        case .text(let text):
            // Line breaks and tabs never reach here. Past the store's limit the screen says so at
            // once, and keys wait until the name is shortened: nothing is cut without a word.
            guard signer.nameProblem?.code != .nameTooLong else { return }
            VietnameseInput.type(
                text, into: &signer.name, word: &signer.nameWord, method: inputMethod,
                maxLength: signer.nameFieldLimit)
            signer.nameProblem = signer.nameLengthProblem
        case .inputMethod:
            inputMethod = inputMethod.next
        case .backspace:
            // One Character: a letter with its combining marks goes as one.
            if !signer.name.isEmpty { signer.name.removeLast() }
            signer.nameProblem = signer.nameLengthProblem
        case .enter:
            // A name confirmed here is the signer's choice again, over an earlier "anonymous".
            signer.anonymousChosen = false
            if signer.typedName {
                do throws(PledgeError) {
                    _ = try TextField.name.normalize(signer.name)
                } catch {
                    signer.nameProblem = error
                    return
                }
            } else {
                signer.name = ""  // empty Enter: anonymous
            }
            go(to: .ageBand)
        case .escape:
            go(to: .pledgeText)
        default:
            break
        }
    }

    private mutating func ageBandKey(_ key: Key) {
        let bands = AgeBand.allCases
        signer.nothingChosen = false
        switch key {
        case .text(let text):
            // A number key only marks the choice, as the screen says: Enter goes on. Moving on at
            // once would let the Enter that follows answer the next screen unseen.
            guard let number = Int(text), (1...bands.count).contains(number) else { return }
            signer.ageChoice = number - 1
        case .up: signer.ageChoice = max(0, (signer.ageChoice ?? bands.count) - 1)
        case .down: signer.ageChoice = min(bands.count - 1, (signer.ageChoice ?? -1) + 1)
        case .enter: chooseAgeBand()
        case .escape: go(to: .name)
        default: break
        }
    }

    private mutating func chooseAgeBand() {
        guard let index = signer.ageChoice else {
            signer.nothingChosen = true  // the screen says how to choose
            return
        }
        if signer.ageBand != AgeBand.allCases[index] { signer.guardianConsent = false }
        signer.ageBand = AgeBand.allCases[index]
        go(to: .province)
    }

    /// The most letters the province search keeps.
    static let maximumProvinceFilterLength = 30

    private mutating func provinceKey(_ key: Key) {
        let count = provinceOptions.count
        switch key {
        case .text(let text):
            // The longest unit name is under 20 letters; a pasted flood must not stall the screen.
            let room = Self.maximumProvinceFilterLength - signer.provinceFilter.count
            guard room > 0 else { return }
            signer.provinceFilter += String(text.prefix(room))
            signer.provinceChoice = 0
        case .backspace:
            if !signer.provinceFilter.isEmpty { signer.provinceFilter.removeLast() }
            signer.provinceChoice = 0
        case .up: signer.provinceChoice = max(0, signer.provinceChoice - 1)
        case .down: signer.provinceChoice = max(0, min(count - 1, signer.provinceChoice + 1))
        case .enter:
            guard signer.provinceChoice < count else { return }
            signer.province = provinceOptions[signer.provinceChoice]
            // Privacy by default: an Enter pressed without reading picks "pledge anonymously".
            signer.choice = 1
            signer.guardianConsent = false
            go(to: .consent)
        case .escape:
            // Esc first clears a search, then goes back. The row highlighted in the search (the
            // province chosen, when back from the consent screen) stays so in the whole list.
            if signer.provinceFilter.isEmpty {
                go(to: .ageBand)
            } else {
                let highlighted = signer.provinceChoice < count ? provinceOptions[signer.provinceChoice] : nil
                signer.provinceFilter = ""
                signer.provinceChoice = provinceOptions.firstIndex { $0 == highlighted } ?? 0
            }
        default: break
        }
    }

    private mutating func consentKey(_ key: Key) {
        guard signer.needsGuardianQuestion else {
            if key == .enter { go(to: .confirm) }
            if key == .escape { go(to: .province) }
            return
        }
        switch key {
        case .text("1"): signer.choice = 0
        case .text("2"): signer.choice = 1
        case .up: signer.choice = 0
        case .down: signer.choice = 1
        case .enter: answerGuardianQuestion()
        case .escape: go(to: .province)
        default: break
        }
    }

    private mutating func answerGuardianQuestion() {
        // Anonymous keeps the typed name for a way back; it is neither shown nor stored.
        signer.guardianConsent = signer.choice == 0
        signer.anonymousChosen = signer.choice != 0
        go(to: .confirm)
    }

    /// Sends the draft once; the key is made once per draft and reused for the same draft.
    private mutating func submit() -> [FlowEffect] {
        guard let draft = signer.draft else { return [] }
        let reused = signer.submission.flatMap { $0.draft == draft ? $0.key : nil }
        let key = reused ?? makeKey()
        signer.submission = (draft, key)
        go(to: .submitting)
        return [.submit(draft, key), .redraw]
    }

    private mutating func errorKey(_ key: Key, _ error: PledgeError) -> [FlowEffect] {
        let options = Self.errorOptions(for: error)
        switch key {
        case .text(let text):
            guard let number = Int(text), (1...options.count).contains(number) else { return [] }
            signer.choice = number - 1
            return [.redraw]
        case .up:
            signer.choice = max(0, signer.choice - 1)
            return [.redraw]
        case .down:
            signer.choice = min(options.count - 1, signer.choice + 1)
            return [.redraw]
        case .enter: break
        case .escape:
            go(to: .confirm)
            return [.redraw]
        default: return []
        }
        switch options[min(signer.choice, options.count - 1)] {
        case .retry:
            guard let submission = signer.submission else { return [] }
            go(to: .submitting)
            return [.submit(submission.draft, submission.key), .redraw]
        case .pledgeAnonymously:
            signer.anonymousChosen = true
            signer.guardianConsent = false
            go(to: .confirm)
        case .editName:
            go(to: .name)
        case .back:
            go(to: .confirm)
        }
        return [.redraw]
    }

    /// Back from the check screen to the consent screen, its question showing the answer given.
    private mutating func backToConsent() {
        if signer.needsGuardianQuestion { signer.choice = signer.givesName && signer.guardianConsent ? 0 : 1 }
        go(to: .consent)
    }
}
