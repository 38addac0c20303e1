import Foundation
import KioskTestSupport
import QRCode
import Testing

@Suite("Terminal renderer at larger scales")
struct TerminalScaleTests {
    @Test(
        "scale × (size + 2q) columns, half as many lines; each module scale columns and scale half rows",
        arguments: [1, 2, 3])
    func modulesAreScaled(scale: Int) throws {
        let code = try QRCode(encoding: Samples.certificateURL)
        let side = code.size + 8
        let size = code.terminalSize(quietZone: 4, scale: scale)
        #expect(size.columns == scale * side && size.lines == (scale * side + 1) / 2)
        let lines = code.terminalLines(quietZone: 4, scale: scale)
        #expect(lines.count == size.lines)
        var halfRows: [[Bool]] = []
        for line in lines {
            let glyphs = Array(line.replacing(/\x{1B}\[[0-9;]*m/, with: ""))
            #expect(glyphs.count == size.columns)
            halfRows.append(glyphs.map { $0 == "▀" || $0 == "█" })
            halfRows.append(glyphs.map { $0 == "▄" || $0 == "█" })
        }
        let modules = grid(of: code, quietZone: 4)
        let expected = (0..<scale * side).map { y in (0..<scale * side).map { x in modules[y / scale][x / scale] } }
        #expect(Array(halfRows.prefix(scale * side)) == expected)
        #expect(halfRows.dropFirst(scale * side).allSatisfy { $0.allSatisfy { !$0 } }, "padding half row is light")
        if scale % 2 == 0 {
            #expect(lines.allSatisfy { !$0.contains("▀") && !$0.contains("▄") }, "whole modules per line")
        }
    }

    @Test("Scaled codes decode with zbarimg and zxing-cpp", arguments: [2, 3])
    func decodes(scale: Int) throws {
        let code = try QRCode(encoding: Samples.certificateURL)
        let screen = code.terminalLines(scale: scale).joined(separator: "\n") + "\n"
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("scaled.pgm").path
        try TerminalScreenImage.render(screen, theme: .dark, cellWidth: 2, cellHeight: 4).writePGM(to: path)
        try expectDecodes(path, to: Samples.certificateURL)
    }
}
