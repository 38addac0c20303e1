import PledgeKit

extension KioskFlow {
    /// Everything one signer has entered. A fresh value replaces it at every return to welcome.
    public struct Signer: Sendable, Equatable {
        /// The name as typed so far; empty means anonymous.
        public internal(set) var name = ""
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

        /// Whether the signer gave a name (after trimming white space).
        public var givesName: Bool { !VietnameseText.collapsingWhitespace(name).isEmpty }

        /// Whether the consent screen must ask for a parent's or guardian's agreement.
        public var needsGuardianQuestion: Bool { givesName && (ageBand?.needsGuardianConsent ?? false) }

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
            lhs.name == rhs.name && lhs.nameWord == rhs.nameWord && lhs.nameProblem == rhs.nameProblem
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
