import Foundation
import PledgeKit

extension ScreenRenderer {
    /// The attendant's search: the name typed, the input method, then the results (name, time,
    /// number: nothing else of a signer) or what went wrong.
    func findSigner(_ flow: KioskFlow, width: Int, height: Int) -> [Row] {
        let language = flow.language
        let words = text.findOrDefault
        let lookup = flow.lookup
        var rows = wrapped(words.title[language], width, .title) + [.blank]
        rows += wrapped(words.prompt[language], width)
        let typed = VietnameseText.nfc(lookup.query)
        rows += Self.inputField(typed, width: width, largeText: flow.display.largeText)
        rows += inputMethodRows(flow, width: width) + [.blank]
        if let problem = lookup.problem { return rows + wrapped(problem.message[language], width, .error) }
        if lookup.searching != nil { return rows + wrapped(words.searching[language], width, .bold) }
        guard let results = lookup.results else { return rows }
        guard !results.isEmpty else { return rows + wrapped(words.noMatch[language], width, .error) }
        // A window of the list that keeps the highlighted row in sight.
        let more = results.count >= KioskFlow.findLimit
        let room = max(1, height - rows.count - (more ? 2 : 0))
        let first = min(max(0, lookup.choice - room / 2), max(0, results.count - room))
        for index in first..<min(results.count, first + room) {
            let found = results[index]
            let line = words.row[language].filled([
                "name": found.name, "time": Self.shortTime(found.signedAt),
                "number": NumberText.grouped(found.number, language),
            ])
            rows.append(option(line, selected: index == lookup.choice))
        }
        if more {
            rows += [.blank] + wrapped(words.more[language].filled(["count": String(results.count)]), width)
        }
        return rows
    }

    /// A time of the event as the list shows it, in Vietnam time: "10/10 09:30".
    static func shortTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = VietnamTime.zone
        let parts = calendar.dateComponents([.day, .month, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(two(parts.day))/\(two(parts.month)) \(two(parts.hour)):\(two(parts.minute))"
    }
}
