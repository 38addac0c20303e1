import Certificates
import Testing

@Suite("Markup escaping")
struct MarkupEscapingTests {
    @Test(
        "Every &, <, >, \" and ' scalar is replaced, whatever follows it",
        arguments: [
            ("", ""),
            ("Nguyễn Thị Ánh", "Nguyễn Thị Ánh"),
            ("a&b", "a&amp;b"),
            ("<script>", "&lt;script&gt;"),
            ("\"\u{301}x", "&quot;\u{301}x"),
            ("'", "&#39;"),
            ("/c/X.png?size=print&v=1", "/c/X.png?size=print&amp;v=1"),
            ("Đỗ \"Hữu\" & <Nghĩa>'", "Đỗ &quot;Hữu&quot; &amp; &lt;Nghĩa&gt;&#39;"),
        ])
    func escapes(text: String, escaped: String) {
        #expect(MarkupEscaping.escape(text) == escaped)
        var bytes: [UInt8] = Array("prefix:".utf8)
        MarkupEscaping.append(text, to: &bytes)
        #expect(bytes == Array("prefix:\(escaped)".utf8))
    }
}
