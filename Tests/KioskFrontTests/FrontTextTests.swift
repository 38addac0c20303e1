import Foundation
import PledgeKit
import Testing

@testable import KioskFront

@Suite struct FrontTextTests {
    /// Every `Localized<String>` in the texts, with its path.
    private func texts(in value: Any, path: String = "") -> [(String, Localized<String>)] {
        if let text = value as? Localized<String> { return [(path, text)] }
        return Mirror(reflecting: value).children.flatMap { child in
            texts(in: child.value, path: path + "." + (child.label ?? "?"))
        }
    }

    @Test func theRealFileLoadsAndEveryTextIsThere() throws {
        let all = texts(in: try Fixtures.text())
        #expect(all.count > 50)
        for (path, text) in all {
            #expect(!text.vi.trimmingCharacters(in: .whitespaces).isEmpty, "\(path).vi is empty")
            #expect(!text.en.trimmingCharacters(in: .whitespaces).isEmpty, "\(path).en is empty")
            #expect(text.vi != text.en || path.hasSuffix("countdown"), "\(path) is not translated")
        }
    }

    @Test func theFileIsNFCWithVietnameseDiacritics() throws {
        // Checked on the file's bytes: loading normalizes, which would hide a problem.
        let raw = try String(contentsOf: Fixtures.frontFile, encoding: .utf8)
        #expect(raw == VietnameseText.nfc(raw))
        for word in [
            "Không một mình", "Người ký ẩn danh", "Để trống và nhấn Enter để ký ẩn danh",
            "Quét mã để mở giấy chứng nhận trên điện thoại", "Cửa sổ quá nhỏ để hiện mã QR", "người giám hộ",
        ] {
            #expect(raw.contains(word), "missing: \(word)")
        }
    }

    @Test func placeholdersSurviveInBothLanguages() throws {
        let text = try Fixtures.text()
        for template in [text.done.number, text.welcome.count, text.common.idleCountdown, text.done.code] {
            let keys = ["{number}", "{count}", "{seconds}", "{code}"]
            #expect(keys.filter(template.vi.contains) == keys.filter(template.en.contains))
        }
    }

    @Test func numbersUseEachLanguagesSeparator() {
        #expect(NumberText.grouped(12_345, .vi) == "12.345")
        #expect(NumberText.grouped(12_345, .en) == "12,345")
        #expect(NumberText.grouped(1_234_567, .vi) == "1.234.567")
        #expect(NumberText.grouped(999, .vi) == "999")
        #expect(NumberText.grouped(0, .en) == "0")
    }
}
