import Foundation
import PledgeKit
import Testing

@testable import KioskFront

@Suite struct ScreenRendererModeTests {
    @Test(arguments: ["Nguyễn Thị Ánh", "Đặng Hoàng Yến", "Ngô Bảo Châu"])
    func theNameBoxKeepsItsBordersAlignedForNFDNames(name: String) throws {
        let renderer = try Fixtures.renderer()
        var driver = Driver()
        driver.press(.enter, .enter)
        driver.type(name.decomposedStringWithCanonicalMapping)
        let frame = renderer.plain(driver.flow, columns: 80, lines: 24)
        let box = frame.filter { $0.contains("│") || $0.contains("┌") || $0.contains("└") }
        #expect(box.count == 3)
        let ends = Set(box.map { TerminalText.width($0) })
        #expect(ends.count == 1, "right borders in different columns: \(box)")
        #expect(box.contains { $0.contains(name) })
    }

    @Test func pendingReceiptsShowWordsNotANumber() throws {
        let renderer = try Fixtures.renderer()
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.recorded(Fixtures.queued))
        let text = renderer.plain(driver.flow, columns: 120, lines: 40).joined(separator: "\n")
        #expect(text.contains("đã được ghi nhận"))
        #expect(!text.contains("Người thứ"))
        #expect(text.contains("7KQ2-MX4P-9TZA-B3CD"))
    }

    @Test func theOfflineMarkSitsInTheFooter() throws {
        let renderer = try Fixtures.renderer()
        var driver = Driver()
        driver.send(.link(online: false, waiting: 3))
        let frame = renderer.plain(driver.flow, columns: 100, lines: 30)
        #expect(frame.last?.contains("ngoại tuyến · 3 chờ gửi") == true)
        driver.send(.link(online: true, waiting: 0))
        #expect(renderer.plain(driver.flow, columns: 100, lines: 30).last?.contains("chờ gửi") == false)
    }

    @Test func highContrastUsesOnlyBlackAndWhite() throws {
        let renderer = try Fixtures.renderer()
        var driver = Driver()
        driver.press(.highContrast)
        driver.press(.enter, .enter)
        let frame = renderer.render(driver.flow, columns: 80, lines: 24).joined()
        for colour in ["44m", "46m", "42m", "43m", "41m"] {
            #expect(!frame.contains(colour), "colour \(colour) in high contrast")
        }
        #expect(frame.contains("\u{1B}[1;30;107m"))
    }

    /// With the console's large font (``LargeTextRendering/font``), the layout stays: bold, spaced.
    @Test func largeTextIsBoldAndSpaced() throws {
        var renderer = try Fixtures.renderer()
        renderer.largeText = .font
        var driver = Driver()
        driver.press(.enter, .enter, .enter)  // age band screen
        let normal = renderer.plain(driver.flow, columns: 100, lines: 40)
        driver.press(.largeText)
        let large = renderer.plain(driver.flow, columns: 100, lines: 40)
        let normalRow = try #require(normal.firstIndex { $0.contains("1. ") })
        let largeRow = try #require(large.firstIndex { $0.contains("1. ") })
        let normalNext = try #require(normal.firstIndex { $0.contains("2. ") })
        let largeNext = try #require(large.firstIndex { $0.contains("2. ") })
        #expect(largeNext - largeRow == 2 && normalNext - normalRow == 1)
    }

    @Test func attendantScreensRender() throws {
        let renderer = try Fixtures.renderer()
        var driver = Driver(KioskFlowAttendantTests.flow())
        driver.press(.interrupt)
        driver.type("24")
        var text = renderer.plain(driver.flow, columns: 80, lines: 24).joined(separator: "\n")
        #expect(text.contains("Dành cho nhân viên") && text.contains("••_"))
        driver.type("68")
        driver.press(.enter, .text("3"), .enter)
        text = renderer.plain(driver.flow, columns: 80, lines: 24).joined(separator: "\n")
        #expect(text.contains("Trạng thái kiosk") && text.contains("trên máy này"))
    }

    @Test func functionKeysDecode() {
        var decoder = KeyDecoder()
        #expect(
            decoder.decode(Array("\u{1B}OQ\u{1B}OR\u{1B}[12~\u{1B}[13~".utf8)) == [
                .largeText, .highContrast, .largeText, .highContrast,
            ])
    }
}
