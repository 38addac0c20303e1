import PledgeKit
import QRCode

extension ScreenRenderer {
    /// The QR's quiet zone in modules: the 4 that ISO/IEC 18004 asks for, so phones read it
    /// off a screen.
    static let quietZone = 4

    /// The done screen: the pledge number, the certificate QR and its short code. The QR is
    /// drawn only whole: on a terminal too small for it, the screen says so and gives the link.
    func done(_ receipt: RecordOutcome, _ flow: KioskFlow, width: Int, height: Int) -> [Row] {
        let language = flow.language
        // A pledge still in the front's outbox has its code but not yet its number.
        let number =
            switch receipt {
            case .queued: text.done.pending[language]
            case .recorded(let recorded):
                text.done.number[language].filled(["number": NumberText.grouped(recorded.number, language)])
            }
        let code = text.done.code[language].filled(["code": receipt.code.grouped])
        // For a phone that cannot scan: the same link, to type.
        let link = text.done.link[language].filled(["url": receipt.certificateUrl])
        let heading: [Row] = [
            .text(" \(number) ", .count, centered: true),
            .text(text.done.thanks[language], .bold, centered: true),
        ]
        let qr = try? QRCode(encoding: receipt.certificateUrl)
        if let qr {
            let size = qr.terminalSize(quietZone: Self.quietZone)
            let lines = qr.terminalLines(quietZone: Self.quietZone)
            // Stacked under the heading when there is room; beside the text on a short screen.
            let stackedText = wrapped(text.done.scan[language], width, centered: true)
            let linkRows = wrapped(link, width, centered: true)
            if size.columns <= width + 4,
                heading.count + 1 + size.lines + 1 + stackedText.count + 1 + linkRows.count <= height
            {
                return heading + [.blank] + lines.map { .raw($0, width: size.columns) } + [.blank]
                    + stackedText + [.text(code, .bold, centered: true)] + linkRows
            }
            let sideRoom = width + 4 - size.columns - 2
            if sideRoom >= 24, size.lines <= height {
                // The link on one line: beside the QR when it fits there whole, else under it.
                let below = wrapped(link, width, centered: true)
                let linkBelow =
                    TerminalText.width(receipt.certificateUrl) > sideRoom && size.lines + below.count <= height
                var side: [(String, Style)] = [(number, .count), (text.done.thanks[language], .bold), ("", .plain)]
                side += TerminalText.wrap(text.done.scan[language], to: sideRoom).map { ($0, .plain) }
                side += [("", .plain)] + TerminalText.wrap(code, to: sideRoom).map { ($0, .bold) }
                if !linkBelow { side += TerminalText.wrap(link, to: sideRoom).map { ($0, .plain) } }
                let top = max(0, (size.lines - side.count) / 2)
                let rows: [Row] = lines.enumerated().map { index, line in
                    let entry = index >= top && index - top < side.count ? side[index - top] : ("", .plain)
                    return .pair(line, width: size.columns, entry.0, entry.1)
                }
                return linkBelow ? rows + below : rows
            }
        }
        // Too small (or no QR): words instead of a clipped code, which would not scan.
        var rows = heading + [.blank] + wrapped(text.done.tooSmall[language], width, .warning)
        rows += wrapped(receipt.certificateUrl, width, .bold) + [.blank] + wrapped(code, width, .bold)
        return rows
    }
}
