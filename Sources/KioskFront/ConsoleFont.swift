import Foundation

/// The Linux console's font, made larger for F2 with kbd's `setfont` and put back afterwards.
///
/// Only on a Linux virtual console (`TERM=linux`, the front's terminal a `/dev/ttyN`) with
/// `setfont` installed (Debian's `kbd`) and the fonts of Debian's `console-setup-linux`. The face
/// is `Vietnamese-Fixed16` drawn at twice its size (`setfont -d`, 16×32 pixels): among those fonts
/// only the Vietnamese Fixed faces have every precomposed Vietnamese letter (the Terminus faces,
/// Vietnamese code set included, lack most of U+1EA0–U+1EF9: "ễ", "ự", "ả" would not show), and
/// a console font has no combining marks. Anything else (a terminal emulator, a console without
/// the packages, a screen too small, `setfont` failing) is told by a `false` from
/// ``enlarge(screen:)``; the front then keeps the emulator rendering and says nothing.
struct ConsoleFont: Sendable {
    /// A console font file and the size of its glyphs on screen (doubled) in pixels.
    struct Face: Hashable, Sendable {
        let name: String
        let width: Int
        let height: Int
        var path: String { ConsoleFont.fontFolder + "/" + name + ".psf.gz" }
    }

    static let fontFolder = "/usr/share/consolefonts"
    /// Largest first: console-setup's Vietnamese Fixed faces (8 pixels wide), doubled by `setfont -d`.
    static let faces = [
        Face(name: "Vietnamese-Fixed16", width: 16, height: 32),
        Face(name: "Vietnamese-Fixed15", width: 16, height: 30),
        Face(name: "Vietnamese-Fixed13", width: 16, height: 26),
    ]
    /// The smallest screen a large font may leave, in cells: the size every screen is drawn for.
    static let minimumColumns = 80
    static let minimumLines = 24

    /// The console's device (`/dev/tty1`), given to `setfont -C`.
    let device: String
    /// The `setfont` executable.
    let setfont: String
    /// Where `setfont -O` keeps the font that was there before, to put it back.
    let savedFont: String
    /// Whether the large font is on (``enlarge(screen:)`` succeeded and ``restore()`` has not run).
    private(set) var enlarged = false

    init(device: String, setfont: String, savedFont: String) {
        self.device = device
        self.setfont = setfont
        self.savedFont = savedFont
    }

    /// The console font of the front's terminal, or nil when it is no Linux virtual console or
    /// `setfont` is not installed.
    /// - Parameters:
    ///   - environment: the front's environment (`TERM`, `PATH`).
    ///   - device: the terminal's device path (ttyname(3) of standard input).
    static func forTerminal(
        environment: [String: String], device: String?,
        isExecutable: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }
    ) -> ConsoleFont? {
        guard environment["TERM"] == "linux", let device, isVirtualConsole(device) else { return nil }
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        guard let setfont = folders.map({ $0 + "/setfont" }).first(where: isExecutable) else { return nil }
        let saved = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiosk-console-font-\(ProcessInfo.processInfo.processIdentifier).psf").path
        return ConsoleFont(device: device, setfont: setfont, savedFont: saved)
    }

    /// `/dev/tty1` … `/dev/tty63`: a virtual console (not `/dev/ttyS0`, a pseudo-terminal or `/dev/tty`).
    static func isVirtualConsole(_ device: String) -> Bool {
        guard device.hasPrefix("/dev/tty") else { return false }
        let number = device.dropFirst("/dev/tty".count)
        return !number.isEmpty && number.allSatisfy(\.isASCII) && number.allSatisfy(\.isNumber)
    }

    /// The largest face that leaves at least ``minimumColumns`` × ``minimumLines`` cells on a
    /// screen of `pixels` and is larger than the font in use (`cellHeight` pixels high); nil
    /// when none does (a small screen: the emulator rendering is used instead).
    static func choose(pixels: (width: Int, height: Int), cellHeight: Int, available: (Face) -> Bool) -> Face? {
        faces.first { face in
            face.height > cellHeight && pixels.width / face.width >= minimumColumns
                && pixels.height / face.height >= minimumLines && available(face)
        }
    }

    /// The screen's size in pixels: the frame buffer's (`/sys/class/graphics/fb0/virtual_size`),
    /// else `screen` in cells of Debian's default 8×16 console font.
    static func pixels(screen: (columns: Int, lines: Int)) -> (width: Int, height: Int) {
        let sizes = (try? String(contentsOfFile: "/sys/class/graphics/fb0/virtual_size", encoding: .utf8))?
            .split(whereSeparator: { $0 == "," || $0.isWhitespace }).compactMap { Int($0) }
        if let sizes, sizes.count == 2, sizes[0] > 0, sizes[1] > 0 { return (sizes[0], sizes[1]) }
        return (screen.columns * 8, screen.lines * 16)
    }

    /// Switches to the largest fitting face (``choose(pixels:cellHeight:available:)``), keeping the
    /// font in use for ``restore()``.
    /// - Parameter screen: the console's size in cells now.
    /// - Returns: whether the font was switched; false when no face fits or `setfont` failed.
    mutating func enlarge(screen: (columns: Int, lines: Int)) -> Bool {
        guard !enlarged else { return true }
        let pixels = Self.pixels(screen: screen)
        guard
            let face = Self.choose(
                pixels: pixels, cellHeight: pixels.height / max(1, screen.lines),
                available: { FileManager.default.fileExists(atPath: $0.path) })
        else { return false }
        enlarged = run(["-C", device, "-O", savedFont, "-d", face.path])
        return enlarged
    }

    /// Puts back the font that was in use before ``enlarge(screen:)``; nothing when it is not on.
    mutating func restore() {
        guard enlarged else { return }
        enlarged = false
        _ = run(["-C", device, savedFont])
        try? FileManager.default.removeItem(atPath: savedFont)
    }

    /// Runs `setfont` with `arguments`, its output discarded; whether it exited with 0.
    private func run(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setfont)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        return process.terminationReason == .exit && process.terminationStatus == 0
    }
}
