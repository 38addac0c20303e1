import PledgeKit
import QRCode

extension ScreenRenderer {
    /// The QR's quiet zone in modules: the 4 that ISO/IEC 18004 asks for, so phones read it
    /// off a screen.
    static let quietZone = 4

    /// The most terminal columns (and half-cell rows) a certificate QR's module takes.
    static let maximumQRScale = 4

    /// The done screen: the pledge number, the certificate QR and its short code. The QR is
    /// drawn only whole: on a terminal too small for it, the screen says so and gives the link.
    /// On a large terminal it grows (``maximumQRScale``): the largest scale whose QR fits above the
    /// text in the `columns` of the terminal, or beside it; 1 as before when no larger one fits.
    func done(_ receipt: RecordOutcome, _ flow: KioskFlow, width: Int, height: Int, columns: Int) -> [Row] {
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
            // Stacked under the heading when there is room; beside the text on a short screen.
            let stackedText = wrapped(text.done.scan[language], width, centered: true)
            let linkRows = wrapped(link, width, centered: true)
            let textRows = heading.count + 1 + 1 + stackedText.count + 1 + linkRows.count
            // The side text starts after the QR, which starts at the column's margin. A QR of one
            // column per module keeps to the column (and its margins), as before QRs grew.
            let margin = max(0, (columns - width) / 2)
            for scale in stride(from: Self.maximumQRScale, through: 1, by: -1) {
                let size = qr.terminalSize(quietZone: Self.quietZone, scale: scale)
                let room = scale == 1 ? width + 4 : columns
                if size.columns <= room, textRows + size.lines <= height {
                    let qrRows: [Row] = qr.terminalLines(quietZone: Self.quietZone, scale: scale).map {
                        .raw($0, width: size.columns)
                    }
                    return heading + [.blank] + qrRows + [.blank] + stackedText + [.text(code, .bold, centered: true)]
                        + linkRows
                }
                // A larger QR goes beside the text only where the code stays on one line.
                let sideRoom = scale == 1 ? width + 2 - size.columns : columns - margin - size.columns - 2
                let sideNeeds = scale == 1 ? 24 : max(24, TerminalText.width(code))
                if sideRoom >= sideNeeds, size.lines <= height {
                    let lines = qr.terminalLines(quietZone: Self.quietZone, scale: scale)
                    return beside(
                        lines, width: size.columns, room: sideRoom, height: height, number, code, link,
                        url: receipt.certificateUrl, below: linkRows, language)
                }
            }
        }
        // Too small (or no QR): words instead of a clipped code, which would not scan.
        var rows = heading + [.blank] + wrapped(text.done.tooSmall[language], width, .warning)
        rows += wrapped(receipt.certificateUrl, width, .bold) + [.blank] + wrapped(code, width, .bold)
        return rows
    }

    /// The QR's lines with the number, thanks, scanning hint, code and link beside them, in `room`
    /// columns, centred on the QR's height. The link (`url`) stays on one line: beside the QR when
    /// it fits there whole, else under it (`below`) when the screen has the rows.
    private func beside(
        _ lines: [String], width: Int, room sideRoom: Int, height: Int, _ number: String, _ code: String,
        _ link: String, url: String, below: [Row], _ language: Language
    ) -> [Row] {
        let linkBelow = TerminalText.width(url) > sideRoom && lines.count + below.count <= height
        // The number, or while the pledge waits in the outbox the longer line saying it comes later
        // (cut at 80×24 when it was one row).
        var side: [(String, Style)] = TerminalText.wrap(number, to: sideRoom).map { ($0, .count) }
        side += TerminalText.wrap(text.done.thanks[language], to: sideRoom).map { ($0, .bold) } + [("", .plain)]
        side += TerminalText.wrap(text.done.scan[language], to: sideRoom).map { ($0, .plain) }
        side += [("", .plain)] + TerminalText.wrap(code, to: sideRoom).map { ($0, .bold) }
        if !linkBelow { side += TerminalText.wrap(link, to: sideRoom).map { ($0, .plain) } }
        let top = max(0, (lines.count - side.count) / 2)
        let rows: [Row] = lines.enumerated().map { index, line in
            let entry = index >= top && index - top < side.count ? side[index - top] : ("", .plain)
            return .pair(line, width: width, entry.0, entry.1)
        }
        return linkBelow ? rows + below : rows
    }
}
