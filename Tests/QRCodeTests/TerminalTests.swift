import Foundation
import KioskTestSupport
import QRCode
import Testing

/// The visible characters of a rendered line: escape sequences removed.
private func visible(_ line: String) -> String {
    line.replacing(/\x{1B}\[[0-9;]*m/, with: "")
}

@Suite("Terminal renderer")
struct TerminalTests {
    @Test(
        "Shape: ⌈(size + 2q) / 2⌉ lines of size + 2q half-block cells, explicit colours, reset at the end",
        arguments: [4, 0, 5])
    func shape(quietZone: Int) throws {
        let code = try QRCode(encoding: Samples.mixedCaseURL)
        let quiet = max(quietZone, QRCode.minimumQuietZone)
        let side = code.size + 2 * quiet
        let lines = code.terminalLines(quietZone: quietZone)
        let size = code.terminalSize(quietZone: quietZone)
        #expect(size.columns == side)
        #expect(size.lines == (side + 1) / 2)
        #expect(lines.count == size.lines)
        for line in lines {
            #expect(line.hasPrefix("\u{1B}[30;47;107m"))
            #expect(line.hasSuffix("\u{1B}[0m"))
            #expect(!line.contains("\n"))
            let text = visible(line)
            #expect(text.count == side)
            #expect(text.allSatisfy { " ▀▄█".contains($0) })
        }
    }

    @Test("Half blocks reproduce the modules exactly, with ≥ 4 light modules on every side (odd row padded light)")
    func halfBlocksMatchModules() throws {
        let code = try QRCode(encoding: Samples.certificateURL)
        #expect((code.size + 8) % 2 == 1, "a version's size is odd, so the last line has a padding half row")
        let side = code.size + 8
        var rows: [[Bool]] = []
        for line in code.terminalLines() {
            var top: [Bool] = []
            var bottom: [Bool] = []
            for glyph in visible(line) {
                top.append(glyph == "▀" || glyph == "█")
                bottom.append(glyph == "▄" || glyph == "█")
            }
            rows += [top, bottom]
        }
        #expect(rows.count == side + 1)
        #expect(rows.last == Array(repeating: false, count: side), "padding half row is light")
        #expect(Array(rows.prefix(side)) == grid(of: code, quietZone: 4))
    }

    @Test(
        "Screenshots under dark and light themes decode to the exact text with zbarimg and zxing-cpp",
        arguments: Samples.roundTrip)
    func decodes(text: String) throws {
        let code = try QRCode(encoding: text)
        let screen = code.terminalLines().joined(separator: "\n") + "\n"
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, theme) in [("dark", TerminalTheme.dark), ("light", TerminalTheme.light)] {
            let image = TerminalScreenImage.render(screen, theme: theme, cellWidth: 3, cellHeight: 6)
            #expect(image.width == code.terminalSize().columns * 3)
            #expect(image.height == code.terminalSize().lines * 6)
            let path = directory.appendingPathComponent("\(name).pgm").path
            try image.writePGM(to: path)
            try expectDecodes(path, to: text)
        }
    }

    @Test("The code still decodes from a busy screen: prompt, coloured text around it, dark theme")
    func decodesWithSurroundingText() throws {
        let code = try QRCode(encoding: Samples.vietnamese)
        var screen = "\u{1B}[1;32mkiosk@may-1\u{1B}[0m:~$ kiosk pledge --name 'Ánh'\n"
        screen += "\u{1B}[7m Quét mã để nhận chứng nhận \u{1B}[27m\n"
        for (index, line) in code.terminalLines().enumerated() {
            let aside = index == 3 ? "  \u{1B}[33mCảm ơn bạn!\u{1B}[39m ▀▄ █ text" : "  \u{1B}[2K"
            screen += "  ## " + line + aside + "\n"
        }
        screen += "\u{1B}[38;5;244mNhấn Enter để tiếp tục\u{1B}[0m\n"
        let image = TerminalScreenImage.render(screen, theme: .dark, cellWidth: 2, cellHeight: 4)
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("busy.pgm").path
        try image.writePGM(to: path)
        try expectDecodes(path, to: Samples.vietnamese)
    }

    @Test(
        "Round trip through a real terminal: tmux capture-pane -e -p -N, both themes",
        .enabled(if: ProcessRunner.isAvailable("tmux")))
    func tmuxCapture() throws {
        let code = try QRCode(encoding: Samples.mixedCaseURL)
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("code.txt")
        try Data((["Scan:"] + code.terminalLines() + ["done"]).joined(separator: "\n").utf8).write(to: file)
        let socket = directory.appendingPathComponent("tmux.sock").path
        let size = code.terminalSize()
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TERM": "xterm-256color",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        ]
        let start = try ProcessRunner.run(
            "tmux",
            [
                "-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(size.columns + 10)", "-y",
                "\(size.lines + 6)", "cat '\(file.path)'; sleep 30",
            ],
            environment: environment
        )
        #expect(start.status == 0, "\(start.stderr)")
        defer { _ = try? ProcessRunner.run("tmux", ["-S", socket, "kill-server"], environment: environment) }

        // Until the pane shows "done", for up to 60 s: a cap for a loaded machine, not a promise.
        var captured = ""
        for _ in 0..<1200 {
            // -N keeps trailing spaces: without it tmux drops the white cells of the right quiet zone.
            let capture = try ProcessRunner.run(
                "tmux", ["-S", socket, "capture-pane", "-e", "-p", "-N"],
                environment: environment)
            captured = capture.stdout
            if captured.contains("done") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(captured.contains("done"))
        #expect(captured.contains("▀") || captured.contains("▄"))
        for theme in [TerminalTheme.dark, .light] {
            let path = directory.appendingPathComponent("tmux-\(theme.defaultBackground.gray).pgm").path
            try TerminalScreenImage.render(captured, theme: theme, cellWidth: 3, cellHeight: 6).writePGM(to: path)
            try expectDecodes(path, to: Samples.mixedCaseURL)
        }
    }
}
