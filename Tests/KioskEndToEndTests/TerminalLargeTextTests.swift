import Foundation
import KioskTestSupport
import Testing

/// Issue 17, item 2: F2 makes the text larger on the real `kiosk run` under tmux (which draws no
/// DEC double-size lines: the widened rendering), and the certificate QR grows with the window.
@Suite("Large text and a growing QR at the terminal front", .serialized)
struct TerminalLargeTextTests {
    private static func kiosk(in folder: URL) -> String {
        [
            RepositoryPaths.kioskBinary, "run", "--config", RepositoryPaths.defaultConfiguration.path,
            "--database", folder.appendingPathComponent("pledges.sqlite").path, "--host", "127.0.0.1", "--port", "0",
            "--developer-mode",
        ].map { "'\($0)'" }.joined(separator: " ")
    }

    /// The body of a captured screen (without the header and footer lines): rows from the first
    /// to the last that hold text, columns from the leftmost to the rightmost character.
    private static func extent(_ screen: String) -> (rows: Int, columns: Int) {
        let lines = body(screen)
        let filled = lines.indices.filter { lines[$0].contains { $0 != " " } }
        guard let first = filled.first, let last = filled.last else { return (0, 0) }
        let left = filled.map { lines[$0].prefix { $0 == " " }.count }.min() ?? 0
        let right = filled.map { lines[$0].trimmingTrailingSpaces().count }.max() ?? 0
        return (last - first + 1, right - left)
    }

    /// The lines between the header and the footer (the last line with text).
    private static func body(_ screen: String) -> [Substring] {
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
        return Array(lines.dropFirst().dropLast())
    }

    /// Cells of the QR on a captured screen (``TerminalScreenImage/qrCells(_:)``).
    private static func qrCells(_ screen: String) -> Int {
        TerminalScreenImage.qrCells(screen.split(separator: "\n"))
    }

    /// The QR on the screen decodes with zbar and zxing-cpp to one certificate link.
    private static func decodedLink(_ session: TmuxSession, folder: URL, name: String) throws -> String? {
        let image = folder.appendingPathComponent("\(name).pgm").path
        try TerminalScreenImage.render(try session.capture(colours: true), theme: .dark).writePGM(to: image)
        let zbar = try QRDecoder.zbar(imageAt: image)
        let zxing = try QRDecoder.zxing(imageAt: image)
        #expect(zbar.count == 1 && zbar == zxing, "\(name): zbar \(zbar), zxing \(zxing)")
        return zbar.first
    }

    @Test func f2MakesThePledgeTextTakeMoreRowsAndColumns() throws {
        let folder = temporaryDirectory("large-text")
        let session = try TmuxSession(command: Self.kiosk(in: folder), columns: 100, lines: 35)
        try session.waitFor("Chế độ nhà phát triển")
        try session.press("Enter")
        let normal = try session.waitFor("chịu đựng một mình.")
        #expect(normal.contains("Lời cam kết “Không một mình”"))
        try session.press("F2")
        // The whole frame, to the end of the last commitment.
        let large = try session.waitFor("c h ị u   đ ự n g   m ộ t   m ì n h .")
        #expect(large.contains("L ờ i   c a m   k ế t   “ K h ô n g   m ộ t   m ì n h ”"))
        let before = Self.extent(normal)
        let after = Self.extent(large)
        #expect(after.rows > before.rows && after.columns > before.columns, "\(before) → \(after)\n\(large)")
        // The same letters, diacritics included, in the same order: only spread out.
        let letters = { (screen: String) in Self.body(screen).joined().filter { !$0.isWhitespace } }
        #expect(letters(large) == letters(normal), "\(normal)\n\(large)")
        #expect(letters(large).hasSuffix("chịuđựngmộtmình."))
        try session.press("F2")
        try session.waitFor("Lời cam kết “Không một mình”")
    }

    @Test func theCertificateQRGrowsOnALargeWindowAndStillDecodes() throws {
        let folder = temporaryDirectory("large-qr")
        let session = try TmuxSession(command: Self.kiosk(in: folder), columns: 100, lines: 35)
        try session.waitFor("Chế độ nhà phát triển")
        try session.press("Enter")
        try session.waitFor("Lời cam kết")
        try session.press("Enter")
        try session.type("Lan")
        try session.waitFor("Lan_")
        try session.press("Enter", "4", "Enter")
        try session.waitFor("tỉnh, thành phố nào")
        try session.press("Enter", "Enter")
        try session.waitFor("Lan")
        try session.press("Enter")
        let small = try session.waitFor("Người thứ 1 cam kết")
        let smallCells = Self.qrCells(small)
        let smallLink = try Self.decodedLink(session, folder: folder, name: "100x35")
        #expect(smallLink?.hasPrefix("HTTP://127.0.0.1:") == true)

        try session.resize(columns: 160, lines: 50)
        // The done screen redraws on the resize: until its QR is the larger one.
        let large = try session.waitFor("a QR of twice the cells", timeout: 30) { Self.qrCells($0) >= 2 * smallCells }
        #expect(smallCells > 0 && Self.qrCells(large) >= 2 * smallCells, "\(smallCells) → \(Self.qrCells(large))")
        #expect(large.contains("Người thứ 1 cam kết"))
        #expect(try Self.decodedLink(session, folder: folder, name: "160x50") == smallLink)
    }
}
