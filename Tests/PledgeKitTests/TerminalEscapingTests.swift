import PledgeKit
import Testing

/// What a command's error repeats of its arguments: shown, never acted on by the terminal.
@Suite struct TerminalEscapingTests {
    @Test("Controls are written as Swift escapes; line feeds, tabs, backslashes and Vietnamese stay")
    func escapes() {
        #expect(TerminalEscaping.escapingControls("province:\u{1B}[31mX") == #"province:\u{1B}[31mX"#)
        #expect(TerminalEscaping.escapingControls("a\rb\u{7}\u{0}\u{7F}") == #"a\u{D}b\u{7}\u{0}\u{7F}"#)
        #expect(TerminalEscaping.escapingControls("\u{9B}2J \u{202E}lmth\u{2066}") == #"\u{9B}2J \u{202E}lmth\u{2066}"#)
        let plain = "Hà Nội\tThừa Thiên Huế\nC:\\đường"
        #expect(TerminalEscaping.escapingControls(plain) == plain)
    }
}
