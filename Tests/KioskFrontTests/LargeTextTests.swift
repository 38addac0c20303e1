import Foundation
import KioskTestSupport
import PledgeKit
import QRCode
import Testing

@testable import KioskFront

@Suite("Large text (F2) and the QR that grows")
struct LargeTextTests {
    /// The pledge text screen's body, as a person reads it: the lines between the header and the
    /// footer that hold text.
    private static func pledgeBody(_ rendering: LargeTextRendering, large: Bool, columns: Int = 100, lines: Int = 35)
        throws -> [String]
    {
        var renderer = try Fixtures.renderer()
        renderer.largeText = rendering
        var driver = Driver()
        driver.press(.enter)
        if large { driver.press(.largeText) }
        return Array(renderer.plain(driver.flow, columns: columns, lines: lines).dropFirst().dropLast())
    }

    /// Rows from the first to the last with text, and columns from the leftmost to the rightmost
    /// character.
    private static func extent(_ lines: [String]) -> (rows: Int, columns: Int) {
        let filled = lines.indices.filter { !lines[$0].allSatisfy { $0 == " " } }
        guard let first = filled.first, let last = filled.last else { return (0, 0) }
        let left = filled.map { lines[$0].prefix { $0 == " " }.count }.min() ?? 0
        let right =
            filled.map { TerminalText.width(String(lines[$0].reversed().drop { $0 == " " }.reversed())) }.max() ?? 0
        return (last - first + 1, right - left)
    }

    @Test("Widened: each letter followed by a space, grapheme clusters whole, box lines drawn on")
    func widenedText() {
        #expect(ScreenRenderer.widened("Lời cam") == "L ờ i   c a m")
        let decomposed = "Nguyễn".decomposedStringWithCanonicalMapping
        #expect(
            ScreenRenderer.widened(decomposed).split(separator: " ").map(String.init) == decomposed.map(String.init))
        #expect(ScreenRenderer.widened("┌──┐") == "┌─────┐")
        #expect(ScreenRenderer.widened("│ a │") == "│   a   │")
        #expect(ScreenRenderer.widened("漢字") == "漢字")
    }

    @Test("Widened pledge text at 100×35: more rows and columns, the same letters in the same order")
    func widenedPledgeIsLarger() throws {
        let normal = try Self.pledgeBody(.widened, large: false)
        let large = try Self.pledgeBody(.widened, large: true)
        let before = Self.extent(normal)
        let after = Self.extent(large)
        #expect(after.rows > before.rows && after.columns > before.columns, "\(before) → \(after)")
        let letters = { (lines: [String]) in lines.joined().filter { !$0.isWhitespace } }
        #expect(letters(large) == letters(normal))
        #expect(large.joined(separator: "\n").contains("L ờ i   c a m   k ế t"))
        for line in large { #expect(TerminalText.width(line) <= 100) }
    }

    @Test("Double-size lines: each body row as a top and a bottom half of half the columns; other lines single")
    func doubleSizeLines() throws {
        var renderer = try Fixtures.renderer()
        renderer.largeText = .doubleSize
        var driver = Driver()
        driver.press(.enter, .largeText)
        let frame = renderer.render(driver.flow, columns: 160, lines: 50)
        #expect(frame.count == 50)
        // A line attribute is no text a person reads.
        #expect(TerminalText.plain("\u{1B}#3\u{1B}[1mLời\u{1B}[0m") == "Lời")
        let tops = frame.indices.filter { frame[$0].hasPrefix(ScreenRenderer.doubleHeightTop) }
        #expect(!tops.isEmpty)
        for index in tops {
            let top = frame[index].dropFirst(ScreenRenderer.doubleHeightTop.count)
            #expect(frame[index + 1] == ScreenRenderer.doubleHeightBottom + top)
            #expect(TerminalText.width(TerminalText.plain(String(top))) <= 80)
        }
        let doubled = Set(tops + tops.map { $0 + 1 })
        for index in frame.indices where !doubled.contains(index) {
            #expect(frame[index].hasPrefix(ScreenRenderer.singleWidth))
        }
        let text = frame.map(TerminalText.plain).joined(separator: "\n")
        #expect(text.contains("Lời cam kết “Không một mình”"))
        let body = tops.map { TerminalText.plain(frame[$0]) }.joined()
        #expect(body.filter { !$0.isWhitespace }.hasSuffix("chịuđựngmộtmình."))
        // Too little room for the whole text twice the size: widened instead, none of it cut.
        let smaller = renderer.render(driver.flow, columns: 100, lines: 35)
        #expect(!smaller.contains { $0.contains(ScreenRenderer.doubleHeightTop) })
        #expect(smaller.map(TerminalText.plain).joined().contains("m ộ t   m ì n h ."))
        // F2 off again: every line single-width, so no line of the last frame stays double.
        driver.press(.largeText)
        #expect(renderer.render(driver.flow, columns: 100, lines: 35).allSatisfy { $0.hasPrefix("\u{1B}#5") })
    }

    @Test("Widened text that would not fit whole: the bold spaced column instead, nothing cut")
    func widenedFallsBackWhenTooLong() throws {
        let large = try Self.pledgeBody(.widened, large: true, columns: 80, lines: 24)
        let normal = try Self.pledgeBody(.widened, large: false, columns: 80, lines: 24)
        let letters = { (lines: [String]) in lines.joined().filter { !$0.isWhitespace } }
        #expect(letters(large) == letters(normal) && letters(large).hasSuffix("chịuđựngmộtmình."))
        for line in large { #expect(TerminalText.width(line) <= 80) }
    }

    @Test("A screen with a QR keeps its layout with large text: the same QR lines")
    func qrScreensKeepTheirQR() throws {
        for rendering in LargeTextRendering.allCases {
            var renderer = try Fixtures.renderer()
            renderer.largeText = rendering
            var driver = Driver()
            driver.reachProvince(name: "Lê Thu", age: "4")
            driver.press(.enter, .enter, .enter, .largeText)
            driver.send(.recorded(Fixtures.receipt))
            let lines = renderer.render(driver.flow, columns: 100, lines: 40)
            let qrLines = try QRCode(encoding: Fixtures.receipt.certificateUrl).terminalLines(quietZone: 4)
            #expect(lines.filter { line in qrLines.contains { line.contains($0) } }.count == qrLines.count)
        }
    }

    @Test("The terminal's rendering: double-size in Konsole and mlterm, not through tmux or screen, in xterm if asked")
    func detection() {
        // xterm 379 crashes on a double-size line with a letter its TrueType font lacks.
        #expect(
            LargeTextRendering.forTerminal(environment: ["TERM": "xterm-256color", "XTERM_VERSION": "XTerm(379)"])
                == .widened)
        #expect(
            LargeTextRendering.forTerminal(environment: ["TERM": "xterm-256color", "KONSOLE_VERSION": "230805"])
                == .doubleSize)
        #expect(LargeTextRendering.forTerminal(environment: ["TERM": "mlterm"]) == .doubleSize)
        #expect(
            LargeTextRendering.forTerminal(environment: [
                "TERM": "tmux-256color", "XTERM_VERSION": "XTerm(379)", "TMUX": "/tmp/x",
            ])
                == .widened)
        #expect(
            LargeTextRendering.forTerminal(environment: ["TERM": "screen", "XTERM_VERSION": "XTerm(379)"]) == .widened)
        #expect(
            LargeTextRendering.forTerminal(environment: ["TERM": "xterm-256color", "VTE_VERSION": "7600"]) == .widened)
        #expect(LargeTextRendering.forTerminal(environment: ["TERM": "linux"]) == .widened)
        #expect(
            LargeTextRendering.forTerminal(environment: ["TERM": "xterm", "KIOSK_LARGE_TEXT": "double-size"])
                == .doubleSize)
        #expect(
            LargeTextRendering.forTerminal(environment: ["XTERM_VERSION": "XTerm(379)", "KIOSK_LARGE_TEXT": "widened"])
                == .widened)
        #expect(LargeTextRendering.forTerminal(environment: ["TERM": "xterm", "KIOSK_LARGE_TEXT": "font"]) == .widened)
    }

    @Test("The console font: only on a virtual console with setfont; the largest face leaving 80×24")
    func consoleFontChoice() {
        let always = { (_: String) in true }
        #expect(
            ConsoleFont.forTerminal(environment: ["TERM": "linux"], device: "/dev/tty1", isExecutable: always) != nil)
        #expect(
            ConsoleFont.forTerminal(environment: ["TERM": "linux"], device: "/dev/pts/3", isExecutable: always) == nil)
        #expect(
            ConsoleFont.forTerminal(environment: ["TERM": "xterm"], device: "/dev/tty1", isExecutable: always) == nil)
        #expect(
            ConsoleFont.forTerminal(environment: ["TERM": "linux"], device: "/dev/tty1", isExecutable: { _ in false })
                == nil)
        #expect(!ConsoleFont.isVirtualConsole("/dev/ttyS0") && !ConsoleFont.isVirtualConsole("/dev/tty"))

        let all = { (_: ConsoleFont.Face) in true }
        #expect(ConsoleFont.choose(pixels: (1920, 1080), cellHeight: 16, available: all)?.name == "Vietnamese-Fixed16")
        #expect(ConsoleFont.choose(pixels: (1366, 768), cellHeight: 16, available: all)?.name == "Vietnamese-Fixed16")
        #expect(ConsoleFont.choose(pixels: (1280, 720), cellHeight: 16, available: all)?.name == "Vietnamese-Fixed15")
        // Too narrow for 80 columns of 16 pixels, or the font is large already, or not installed.
        #expect(ConsoleFont.choose(pixels: (1024, 768), cellHeight: 16, available: all) == nil)
        #expect(ConsoleFont.choose(pixels: (1920, 1080), cellHeight: 32, available: all) == nil)
        #expect(ConsoleFont.choose(pixels: (1920, 1080), cellHeight: 16, available: { _ in false }) == nil)
    }

    @Test("A console font that cannot be switched: the emulator rendering from then on, and no second try")
    func consoleFontFailureFallsBack() throws {
        var console: ConsoleFont? = ConsoleFont(
            device: "/dev/null", setfont: "/usr/bin/setfont",
            savedFont: FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-font-test.psf").path)
        var renderer = try Fixtures.renderer()
        var driver = Driver()
        driver.press(.enter, .largeText)
        TerminalFront.followLargeText(driver.flow, console: &console, renderer: &renderer, size: (240, 67))
        #expect(console == nil)
        #expect(renderer.largeText == .widened)
        // Without a console, F2 changes nothing of the font.
        driver.press(.largeText)
        TerminalFront.followLargeText(driver.flow, console: &console, renderer: &renderer, size: (240, 67))
        #expect(console == nil && renderer.largeText == .widened)
    }

    @Test("A larger QR goes beside the text only where the code stays on one line")
    func largerQRBesideTheTextKeepsTheCodeWhole() throws {
        var driver = Driver()
        driver.reachProvince(name: "Lê Thu", age: "4")
        driver.press(.enter, .enter, .enter)
        // A short link (a service on port 9): a version 2 QR, 66 columns at scale 2.
        driver.send(
            .recorded(.queued(code: Fixtures.receipt.code, certificateUrl: "HTTP://127.0.0.1:9/C/7KQ2MX4P9TZAB3CD")))
        let renderer = try Fixtures.renderer()
        for (columns, lines) in [(120, 40), (160, 50), (200, 40)] {
            let frame = renderer.plain(driver.flow, columns: columns, lines: lines)
            #expect(frame.contains { $0.contains("Mã giấy chứng nhận: 7KQ2-MX4P-9TZA-B3CD") }, "\(columns)×\(lines)")
            #expect(frame.contains { $0.contains("█") })
        }
    }

    @Test("The certificate QR grows with the terminal: at 160×50 at least twice the cells of 100×35")
    func qrGrows() throws {
        var driver = Driver()
        driver.reachProvince(name: "Lê Thu", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.recorded(Fixtures.receipt))
        let renderer = try Fixtures.renderer()
        let cells = { (columns: Int, lines: Int) -> Int in
            let frame = renderer.render(driver.flow, columns: columns, lines: lines).map(TerminalText.plain)
            #expect(frame.count <= lines)
            for line in frame { #expect(TerminalText.width(line) <= columns) }
            return TerminalScreenImage.qrCells(frame)
        }
        let small = cells(100, 35)
        let large = cells(160, 50)
        #expect(small > 0 && large >= 2 * small, "\(small) → \(large)")
        let code = try QRCode(encoding: Fixtures.receipt.certificateUrl)
        let frame = renderer.render(driver.flow, columns: 160, lines: 50)
        for line in code.terminalLines(quietZone: 4, scale: 2) { #expect(frame.contains { $0.hasSuffix(line) }) }
        #expect(frame.map(TerminalText.plain).joined().contains("7KQ2-MX4P-9TZA-B3CD"))
    }
}
