import PledgeKit

extension KioskFlow {
    /// Everything one signer has entered. A fresh value replaces it at every return to welcome.
    public struct Signer: Sendable, Equatable {
        /// The name as typed so far; empty means anonymous.
        public internal(set) var name = ""
        /// A name was typed, but the signer chose to pledge anonymously (the consent question, the
        /// error screen): the name stays typed for a way back, and is neither shown nor stored.
        public internal(set) var anonymousChosen = false
        /// Enter was pressed on a screen with nothing chosen (the age band): the screen says what
        /// to do, until the next key.
        public internal(set) var nothingChosen = false
        /// The word being composed at the end of ``name`` by the input method.
        var nameWord: VietnameseInput.Word?
        /// Why the typed name was refused, shown under the field.
        public internal(set) var nameProblem: PledgeError?
        public internal(set) var ageBand: AgeBand?
        /// The highlighted age band on its screen, before Enter.
        public internal(set) var ageChoice: Int?
        /// Letters typed on the province screen to narrow the list.
        public internal(set) var provinceFilter = ""
        /// The highlighted row of ``KioskFlow/provinceOptions``.
        public internal(set) var provinceChoice = 0
        /// The province given, nil when the signer preferred not to say.
        public internal(set) var province: Province?
        public internal(set) var guardianConsent = false
        /// The highlighted option on the consent question and the error screen.
        public internal(set) var choice = 0
        /// The last draft sent and its key: a retry of the same draft reuses the key, so the
        /// service records it at most once.
        var submission: (draft: PledgeDraft, key: IdempotencyKey)?

        public init() {}

        /// Whether a name was typed (after trimming white space).
        public var typedName: Bool { !VietnameseText.collapsingWhitespace(name).isEmpty }

        /// Whether the signer gives a name: typed, and anonymous not chosen instead.
        public var givesName: Bool { typedName && !anonymousChosen }

        /// Whether the consent screen must ask for a parent's or guardian's agreement (asked again
        /// after anonymous was chosen, so the signer can change their mind).
        public var needsGuardianQuestion: Bool { typedName && (ageBand?.needsGuardianConsent ?? false) }

        /// Whether the name will be printed, as the consent screen's highlighted choice says: with the
        /// guardian question, its first option (the guardian agrees); without it, ``givesName``.
        public var namePrintedAsChosen: Bool { needsGuardianQuestion ? choice == 0 : givesName }

        /// The most characters the name field takes with the next key: up to one past the store's
        /// limit (``TextField/name``, 60 characters after white space is collapsed), so a name over it
        /// shows with its refusal and a pasted flood stops there.
        var nameFieldLimit: Int {
            let counted = VietnameseText.collapsingWhitespace(VietnameseText.nfc(name)).count
            return name.count + max(0, TextField.name.maxLength + 1 - counted)
        }

        /// The store's refusal of the name for its length (`name-too-long`, ``TextField/name``'s
        /// rule), shown as soon as it applies; nil while the name is within it.
        var nameLengthProblem: PledgeError? {
            do throws(PledgeError) {
                _ = try TextField.name.normalize(name)
                return nil
            } catch {
                return error.code == .nameTooLong ? error : nil
            }
        }

        /// The draft to record, once an age band is known.
        public var draft: PledgeDraft? {
            guard let ageBand else { return nil }
            let stored: String? =
                givesName ? ((try? TextField.name.normalize(name)) ?? VietnameseText.nfc(name)) : nil
            return PledgeDraft(
                name: stored, ageBand: ageBand, province: province,
                guardianConsent: stored != nil && ageBand.needsGuardianConsent && guardianConsent
            )
        }

        public static func == (lhs: Signer, rhs: Signer) -> Bool {
            lhs.name == rhs.name && lhs.anonymousChosen == rhs.anonymousChosen
                && lhs.nothingChosen == rhs.nothingChosen && lhs.nameWord == rhs.nameWord
                && lhs.nameProblem == rhs.nameProblem
                && lhs.ageBand == rhs.ageBand
                && lhs.ageChoice == rhs.ageChoice && lhs.provinceFilter == rhs.provinceFilter
                && lhs.provinceChoice == rhs.provinceChoice && lhs.province == rhs.province
                && lhs.guardianConsent == rhs.guardianConsent && lhs.choice == rhs.choice
                && lhs.submission?.draft == rhs.submission?.draft && lhs.submission?.key == rhs.submission?.key
        }
    }

    /// What the error screen offers for an error, in order.
    public enum ErrorOption: Hashable, Sendable {
        case retry, pledgeAnonymously, editName, back
    }

    /// The rows of the province screen: "prefer not to say" (nil) and the 34 units, or, while
    /// the signer types, the units whose name contains the typed letters (ignoring diacritics).
    public var provinceOptions: [Province?] {
        provinceMatches.map { $0.map(\.province) }
    }

    /// The rows of the province screen with, for a unit found by a former name (a province merged
    /// into it in 2025), that name.
    public var provinceMatches: [Province.SearchMatch?] {
        guard !VietnameseText.searchKey(signer.provinceFilter).isEmpty else {
            return [nil] + Province.search("").map(Optional.some)
        }
        return Province.search(signer.provinceFilter).map(Optional.some)
    }

    /// The options of the error screen for `error`.
    public static func errorOptions(for error: PledgeError) -> [ErrorOption] {
        switch error.code {
        case .guardianConsentRequired, .personalDataNoLongerKept: [.pledgeAnonymously, .back]
        case .nameEmpty, .nameTooLong, .forbiddenCharacter: [.editName, .pledgeAnonymously]
        default: [.retry, .back]
        }
    }
}
