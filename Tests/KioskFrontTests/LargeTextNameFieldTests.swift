import PledgeKit
import Testing

@testable import KioskFront

@Suite("Large text (F2): the name field stays a whole box showing the whole name")
struct LargeTextNameFieldTests {
    static let name = "Nguyễn Thị Ánh Tuyết Hoàng Phương Vũ"

    /// The name screen as a person reads it, after F2 and `name` typed.
    private static func nameScreen(_ rendering: LargeTextRendering, name: String, columns: Int, lines: Int)
        throws -> [String]
    {
        var renderer = try Fixtures.renderer()
        renderer.largeText = rendering
        var driver = Driver()
        driver.press(.enter, .enter, .largeText)
        driver.type(name)
        #expect(driver.flow.screen == .name)
        return renderer.plain(driver.flow, columns: columns, lines: lines)
    }

    /// The lines from the box's top edge to its bottom edge.
    private static func box(_ frame: [String]) throws -> [String] {
        let top = try #require(frame.firstIndex { $0.trimmingPrefix(while: \.isWhitespace).hasPrefix("┌") })
        let bottom = try #require(frame[top...].firstIndex { $0.trimmingPrefix(while: \.isWhitespace).hasPrefix("└") })
        return Array(frame[top...bottom])
    }

    @Test(
        "Widened at 80×24 and in a large font: no blank line in the box, every letter of a long name in order",
        arguments: [LargeTextRendering.widened, .font])
    func longNameStaysWhole(_ rendering: LargeTextRendering) throws {
        let box = try Self.box(Self.nameScreen(rendering, name: Self.name, columns: 80, lines: 24))
        #expect(box.count >= 3)
        for line in box.dropFirst().dropLast() {
            #expect(line.trimmingPrefix(while: \.isWhitespace).hasPrefix("│"), "\(box)")
        }
        let shown = box.dropFirst().dropLast().joined().filter { !$0.isWhitespace && $0 != "│" && $0 != "_" }
        #expect(shown == Self.name.filter { !$0.isWhitespace }, "\(box)")
        for line in box { #expect(TerminalText.width(line) <= 80) }
    }

    @Test("A field that must scroll says so: \"…\" before the text still shown, the cursor at the end")
    func scrolledFieldShowsEllipsis() {
        let long = String(repeating: "Nguyễn ", count: 10) + "Vũ"
        let normal = ScreenRenderer.inputField(long, width: 30, largeText: false)
        #expect(normal.count == 3)
        guard case .text(let line, _, _) = normal[1] else { return #expect(Bool(false)) }
        #expect(line.hasPrefix("│ …") && line.hasSuffix("Vũ_ │"))
        #expect(TerminalText.width(line) == 30)
        let large = ScreenRenderer.inputField(long, width: 30, largeText: true)
        #expect(large.count == ScreenRenderer.largeFieldLines + 2)
        guard case .text(let first, _, _) = large[1] else { return #expect(Bool(false)) }
        #expect(first.hasPrefix("│ …"))
        #expect(ScreenRenderer.inputField("An", width: 30, largeText: true).count == 3)
    }
}
