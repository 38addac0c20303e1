import Foundation
import PledgeKit
import QRCode
import Testing

@testable import KioskFront

@Suite struct ScreenRendererTests {
    private func doneFlow() -> KioskFlow {
        var driver = Driver()
        driver.reachProvince(name: "Lê Thu", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.recorded(Fixtures.receipt))
        return driver.flow
    }

    @Test func welcomeShowsCampaignEventAndCount() throws {
        var flow = Fixtures.flow()
        _ = flow.handle(.counted(12_345))
        let frame = try Fixtures.renderer().plain(flow).joined(separator: "\n")
        #expect(frame.contains("KHÔNG MỘT MÌNH"))
        #expect(frame.contains("Lễ phát động chiến dịch “Không một mình”"))
        #expect(frame.contains("Hà Nội · 10/10/2025"))
        #expect(frame.contains("12.345 người đã cam kết"))
    }

    @Test("The welcome screen shows the web flow's QR beside its text where it fits whole, else the link in words")
    func welcomeShowsThePresenceQR() throws {
        var flow = Fixtures.flow()
        let link = "HTTP://192.168.1.20:8080/P/7KQ2MX"
        _ = flow.handle(.counted(12))
        #expect(flow.handle(.presence(link)) == [.redraw])
        #expect(flow.handle(.presence(link)).isEmpty)
        let renderer = try Fixtures.renderer()
        let qrLines = try QRCode(encoding: link).terminalLines(quietZone: 4)
        for (columns, lines) in [(80, 24), (100, 40)] {
            let frame = renderer.render(flow, columns: columns, lines: lines)
            #expect(frame.filter { line in qrLines.contains { line.contains($0) } }.count == qrLines.count)
            let plain = frame.map(TerminalText.plain).joined(separator: "\n")
            #expect(plain.contains("mã điểm danh 7KQ2MX") && plain.contains("12 người đã cam kết"))
            for line in frame { #expect(TerminalText.width(TerminalText.plain(line)) <= columns) }
        }
        let small = renderer.plain(flow, columns: 40, lines: 24).joined(separator: "\n")
        #expect(!small.contains { "▀▄█".contains($0) })
        #expect(small.contains("192.168.1.20:8080/P/7KQ2MX"))
        _ = flow.handle(.key(.tab))
        #expect(renderer.plain(flow).joined(separator: "\n").contains("attendance code 7KQ2MX"))
    }

    @Test func tabSwitchesTheFrameToEnglish() throws {
        var flow = Fixtures.flow()
        _ = flow.handle(.key(.enter))
        let renderer = try Fixtures.renderer()
        #expect(renderer.plain(flow).joined().contains("Lời cam kết “Không một mình”"))
        _ = flow.handle(.key(.tab))
        let english = renderer.plain(flow).joined(separator: "\n")
        #expect(english.contains("The “Not Alone” pledge"))
        #expect(english.contains("NOT ALONE"))
        #expect(!english.contains("Lời cam kết"))
    }

    @Test func nameScreenSaysHowToStayAnonymous() throws {
        var driver = Driver()
        driver.press(.enter, .enter)
        driver.type("Nguyễn Thị Ánh")
        let frame = try Fixtures.renderer().plain(driver.flow).joined(separator: "\n")
        #expect(frame.contains("Để trống và nhấn Enter để ký ẩn danh"))
        #expect(frame.contains("Nguyễn Thị Ánh_"))
    }

    @Test func doneScreenOnALargeTerminalShowsTheQR() throws {
        let flow = doneFlow()
        let lines = try Fixtures.renderer().render(flow, columns: 100, lines: 40)
        #expect(lines.count <= 40)
        let qrLines = try QRCode(encoding: Fixtures.receipt.certificateUrl).terminalLines(quietZone: 4)
        for qrLine in qrLines { #expect(lines.contains { $0.hasSuffix(qrLine) }) }
        let frame = lines.map(TerminalText.plain).joined(separator: "\n")
        #expect(frame.contains("7KQ2-MX4P-9TZA-B3CD"))
        #expect(frame.contains("Người thứ 12.345 cam kết"))
        #expect(frame.contains("Quét mã để mở giấy chứng nhận trên điện thoại"))
        #expect(!frame.contains("Lê Thu"))
    }

    @Test func doneScreenOn80x24PutsTheQRBesideTheText() throws {
        let lines = try Fixtures.renderer().render(doneFlow(), columns: 80, lines: 24)
        #expect(lines.count == 24)
        let qrLines = try QRCode(encoding: Fixtures.receipt.certificateUrl).terminalLines(quietZone: 4)
        #expect(lines.filter { line in qrLines.contains { line.contains($0) } }.count == qrLines.count)
        #expect(lines.map(TerminalText.plain).joined().contains("7KQ2-MX4P-9TZA-B3CD"))
    }

    @Test func doneScreenOnATinyTerminalSaysSoInWords() throws {
        let lines = try Fixtures.renderer().plain(doneFlow(), columns: 40, lines: 15)
        #expect(lines.count <= 15)
        let frame = lines.joined(separator: "\n")
        #expect(frame.contains("Cửa sổ quá nhỏ để hiện mã QR"))
        #expect(frame.contains("7KQ2-MX4P-9TZA-B3CD"))
        #expect(!frame.contains { "▀▄█".contains($0) })
    }

    @Test func everyLineFitsTheTerminal() throws {
        let renderer = try Fixtures.renderer()
        var driver = Driver()
        driver.send(.counted(1_234_567))
        var flows = [driver.flow]
        driver.press(.enter)
        flows.append(driver.flow)
        driver.press(.enter)
        driver.type("Nguyễn Thị Ánh Dương Hoàng Phương Thảo Quỳnh")
        flows.append(driver.flow)
        driver.press(.enter)
        flows.append(driver.flow)
        driver.press(.text("2"))
        flows.append(driver.flow)
        driver.press(.enter)
        flows.append(driver.flow)
        driver.press(.enter)
        flows.append(driver.flow)
        flows.append(doneFlow())
        for flow in flows {
            for (columns, lines) in [(100, 40), (80, 24), (40, 15), (20, 6)] {
                let frame = renderer.plain(flow, columns: columns, lines: lines)
                #expect(frame.count <= lines)
                for line in frame { #expect(TerminalText.width(line) <= columns, "\(flow.screen) \(columns)×\(lines)") }
            }
        }
    }

    @Test func provinceListKeepsTheChoiceInSight() throws {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        for _ in 0..<34 { driver.press(.down) }
        let frame = try Fixtures.renderer().plain(driver.flow, columns: 80, lines: 24).joined(separator: "\n")
        #expect(frame.contains("▶ An Giang"))
        #expect(!frame.contains("Không muốn nói"))
    }

    @Test func widthsCountGraphemeClusters() {
        #expect(TerminalText.width("Nguyễn") == 6)
        #expect(TerminalText.width("Nguye\u{302}\u{303}n") == 6)
        #expect(TerminalText.width("日本") == 4)
        #expect(TerminalText.wrap("một hai ba bốn", to: 7) == ["một hai", "ba bốn"])
    }
}

/// Small terminals (40 columns, 12 lines): the choices a signer must read stay whole and in sight,
/// and the footer drops whole key hints instead of cutting one mid-word (breaker).
@Suite struct SmallTerminalTests {
    /// An under-16 signer with a name at the consent screen.
    private func guardianQuestion() -> KioskFlow {
        var driver = Driver()
        driver.reachProvince(name: "Lê Thu", age: "1")
        driver.press(.enter)
        return driver.flow
    }

    @Test func theGuardianQuestionAndBothAnswersFitFortyByTwelve() throws {
        let flow = guardianQuestion()
        #expect(flow.screen == .consent)
        let frame = try Fixtures.renderer().plain(flow, columns: 40, lines: 12)
        #expect(frame.count == 12)
        for line in frame { #expect(TerminalText.width(line) <= 40) }
        let text = frame.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(text.contains("Bạn dưới 16 tuổi. Để ghi tên lên"))
        let agrees = try #require(text.firstIndex(of: "1. Cha mẹ / người giám hộ của tôi"))
        #expect(text[agrees + 1] == "đồng ý")
        #expect(text.contains("▶ 2. Ký ẩn danh thay vì ghi tên"))
    }

    @Test func aTallerScreenAlsoShowsWhatIsKept() throws {
        let frame = try Fixtures.renderer().plain(guardianQuestion(), columns: 40, lines: 24)
        let text = frame.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(text.contains("Những gì chúng tôi lưu"))
        #expect(text.contains("đồng ý") && text.contains("▶ 2. Ký ẩn danh thay vì ghi tên"))
    }

    @Test func theFooterDropsWholeKeyHints() throws {
        let footer = try #require(try Fixtures.renderer().plain(guardianQuestion(), columns: 40, lines: 12).last)
        #expect(footer.trimmingCharacters(in: .whitespaces) == "Phím 1–2 hoặc ↑ ↓ rồi Enter …")
        let wide = try #require(try Fixtures.renderer().plain(guardianQuestion(), columns: 80, lines: 24).last)
        #expect(wide.contains("Phím 1–2 hoặc ↑ ↓ rồi Enter · Esc: quay lại"))
    }

    @Test func shortenedKeepsWholePartsOrWholeWords() {
        #expect(TerminalText.shortened("Enter: tiếp · Esc: quay lại", to: 40) == "Enter: tiếp · Esc: quay lại")
        #expect(TerminalText.shortened("Enter: tiếp · Esc: quay lại", to: 20) == "Enter: tiếp …")
        #expect(TerminalText.shortened("Nhấn Enter để ký cam kết ngay bây giờ", to: 16) == "Nhấn Enter để …")
        #expect(TerminalText.width(TerminalText.shortened("Khôngmộtmìnhkhôngmộtmình", to: 10)) == 10)
    }
}
