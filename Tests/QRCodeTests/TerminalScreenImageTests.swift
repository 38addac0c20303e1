import Foundation
import KioskTestSupport
import Testing

@Suite("TerminalScreenImage: SGR parsing and painting")
struct TerminalScreenImageTests {
    private typealias RGB = TerminalTheme.RGB

    private func cells(_ screen: String, _ theme: TerminalTheme = .light) -> [TerminalScreenImage.Cell] {
        TerminalScreenImage.cells(of: screen, theme: theme).flatMap { $0 }
    }

    @Test("Glyphs: ▀ top = fg, ▄ bottom = fg, █ both, space and letters background")
    func glyphs() {
        let white = RGB(255, 255, 255)
        let black = RGB(0, 0, 0)
        let result = cells("▀▄█ x")
        #expect(result.map(\.top) == [black, white, black, white, white])
        #expect(result.map(\.bottom) == [white, black, black, white, white])
    }

    @Test("Theme defaults, palette codes, reverse video, 256 and true colour, reset")
    func sgrCodes() {
        let theme = TerminalTheme.dark
        let screen =
            "█\u{1B}[31m█\u{1B}[92m█\u{1B}[38;5;21m█\u{1B}[38;2;1;2;3m█\u{1B}[39m█"
            + "\u{1B}[44m \u{1B}[103m \u{1B}[48;5;232m \u{1B}[48;2;9;8;7m \u{1B}[49m "
            + "\u{1B}[7m \u{1B}[27m \u{1B}[30;47;107m▀\u{1B}[0m▀\u{1B}[1m\u{1B}[22m\u{1B}[2K\u{1B}]0;title\u{07}█"
        let result = cells(screen, theme)
        let tops = result.map(\.top)
        let expected: [RGB] = [
            theme.defaultForeground, theme.palette[1], theme.palette[10], RGB(0, 0, 255), RGB(1, 2, 3),
            theme.defaultForeground,
            theme.palette[4], theme.palette[11], RGB(8, 8, 8), RGB(9, 8, 7), theme.defaultBackground,
            theme.defaultForeground, theme.defaultBackground, RGB(0, 0, 0), theme.defaultForeground,
            theme.defaultForeground,
        ]
        #expect(tops == expected)
        #expect(result[13].bottom == RGB(255, 255, 255), "47 then 107: bright white wins")
    }

    @Test("Image size follows the longest line; short lines are padded with the theme background")
    func imageSize() {
        let image = TerminalScreenImage.render(
            "ab\n\u{1B}[31mabcd\u{1B}[0m\n", theme: .light, cellWidth: 2,
            cellHeight: 4)
        #expect(image.width == 8 && image.height == 8)
        #expect(image.pixels.allSatisfy { $0 == 255 })
        let dark = TerminalScreenImage.render("█\n", theme: .dark, cellWidth: 1, cellHeight: 2)
        #expect(dark.pixels == [TerminalTheme.dark.defaultForeground.gray, TerminalTheme.dark.defaultForeground.gray])
        #expect(TerminalScreenImage.render("", theme: .dark).pixels.isEmpty)
    }

    @Test("PGM output: P5 header then raw pixels")
    func pgm() {
        var image = GrayImage(width: 2, height: 1)
        image[1, 0] = 7
        #expect(image.pgmData == Data("P5\n2 1\n255\n".utf8) + [255, 7])
    }
}
