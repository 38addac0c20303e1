/// The colours a terminal uses where a program does not set its own: default foreground and background, and the
/// 16-colour palette behind SGR codes 30–37, 40–47, 90–97 and 100–107.
public struct TerminalTheme: Sendable, Hashable {
    /// A 24-bit colour.
    public struct RGB: Sendable, Hashable {
        public var red: UInt8
        public var green: UInt8
        public var blue: UInt8

        public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// Luma (ITU-R BT.601 weights), 0 black ... 255 white.
        public var gray: UInt8 {
            let luma = 299 * Int(red) + 587 * Int(green) + 114 * Int(blue)
            return UInt8((luma + 500) / 1000)
        }
    }

    /// The colour of text when no foreground colour is set (SGR 39).
    public var defaultForeground: RGB
    /// The colour of cells when no background colour is set (SGR 49).
    public var defaultBackground: RGB
    /// The 16 basic colours: 0–7 normal (black, red, green, yellow, blue, magenta, cyan, white), 8–15 bright.
    public var palette: [RGB]

    public init(defaultForeground: RGB, defaultBackground: RGB, palette: [RGB] = TerminalTheme.xtermPalette) {
        precondition(palette.count == 16, "a terminal palette has 16 colours")
        self.defaultForeground = defaultForeground
        self.defaultBackground = defaultBackground
        self.palette = palette
    }

    /// A dark theme: light-grey text on black.
    public static let dark = TerminalTheme(defaultForeground: RGB(204, 204, 204), defaultBackground: RGB(0, 0, 0))

    /// A light theme: black text on white.
    public static let light = TerminalTheme(defaultForeground: RGB(0, 0, 0), defaultBackground: RGB(255, 255, 255))

    /// xterm's default 16 colours.
    public static let xtermPalette: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    /// Colour `index` (0–255) of the xterm 256-colour palette: the 16 theme colours, a 6×6×6 cube, 24 greys.
    public func color256(_ index: Int) -> RGB {
        switch index {
        case 0..<16:
            return palette[index]
        case 16..<232:
            let cube = index - 16
            let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
            return RGB(levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
        case 232..<256:
            let level = UInt8(8 + 10 * (index - 232))
            return RGB(level, level, level)
        default:
            return defaultForeground
        }
    }
}
