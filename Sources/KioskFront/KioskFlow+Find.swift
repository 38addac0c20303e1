import PledgeKit

extension KioskFlow {
    /// The attendant's search for a signer who lost the certificate code (issue 17, item 5):
    /// what is typed, the search in flight, what was found. Forgotten at every return to welcome.
    public struct Lookup: Sendable, Equatable {
        /// The name as typed (the name screen's input method applies, diacritics are ignored).
        public internal(set) var query = ""
        var word: VietnameseInput.Word?
        /// The text of the search sent and not yet answered.
        public internal(set) var searching: String?
        /// The answer to the last search; nil before one, or once the name is typed again.
        public internal(set) var results: [FoundSigner]?
        /// The highlighted row of ``results``.
        public internal(set) var choice = 0
        /// Why the search was refused or failed, shown under the field.
        public internal(set) var problem: PledgeError?

        public init() {}
    }

    /// The most results a search asks for: what fits on an attendant's 80×24 screen.
    public static let findLimit = 10

    /// The attendant's menu as shown: "find a signer" only when the front has a finder.
    public var attendantOptions: [AttendantOption] {
        AttendantOption.allCases.filter { $0 != .find || findsSigners }
    }

    /// Opens the search, empty.
    mutating func openFind() {
        lookup = Lookup()
        go(to: .findSigner)
    }

    /// A key on the search screen: text and Backspace edit the name (and drop a stale list), ↑ ↓
    /// choose, Enter searches or shows the chosen certificate, Esc clears and then goes back.
    mutating func findKey(_ key: Key) -> [FlowEffect] {
        switch key {
        case .text(let text):
            VietnameseInput.type(
                text, into: &lookup.query, word: &lookup.word, method: inputMethod, maxLength: TextField.name.maxLength)
            edited()
        case .inputMethod:
            inputMethod = inputMethod.next
        case .backspace:
            if !lookup.query.isEmpty { lookup.query.removeLast() }
            edited()
        case .up:
            lookup.choice = max(0, lookup.choice - 1)
        case .down:
            lookup.choice = max(0, min((lookup.results?.count ?? 0) - 1, lookup.choice + 1))
        case .enter:
            if let results = lookup.results, lookup.choice < results.count {
                go(to: .foundCertificate(results[lookup.choice]))
                return [.redraw]
            }
            guard lookup.searching == nil else { return [] }
            do throws(PledgeError) {
                let text = try SignerSearch.check(lookup.query)
                lookup.searching = text
                lookup.problem = nil
                return [.find(text), .redraw]
            } catch {
                lookup.problem = error
            }
        case .escape:
            guard lookup.query.isEmpty, lookup.results == nil else {
                lookup = Lookup()
                return [.redraw]
            }
            go(to: .attendantMenu)
        default:
            return []
        }
        return [.redraw]
    }

    /// The answer to the search of `text`; an answer to an older search, or one arriving after
    /// the screen closed, is dropped.
    mutating func found(_ text: String, _ result: Result<[FoundSigner], PledgeError>) -> [FlowEffect] {
        guard screen == .findSigner, lookup.searching == text else { return [] }
        lookup.searching = nil
        lookup.choice = 0
        switch result {
        case .success(let signers):
            lookup.results = signers
        case .failure(let error):
            lookup.problem = error
        }
        return [.redraw]
    }

    /// The typed name changed: the list and the message were for another.
    private mutating func edited() {
        lookup.results = nil
        lookup.problem = nil
        lookup.choice = 0
    }
}
