import PledgeKit
import Testing

@testable import KioskFront

/// Issue 17, item 3: screens that say what they do.
@Suite struct ScreensSayWhatTheyDoTests {
    /// The repository's texts and an event that keeps names until 30 June 2027.
    func renderer(retainUntil: CivilDate? = CivilDate(year: 2027, month: 6, day: 30)) throws -> ScreenRenderer {
        var event = try Fixtures.event()
        event.retainPersonalDataUntil = retainUntil
        return ScreenRenderer(text: try Fixtures.text(), event: event)
    }

    /// An under-16 signer who typed a name, on the consent screen.
    func underSixteenOnConsent(_ name: String = "Trần Minh Đức") -> Driver {
        var driver = Driver()
        driver.reachProvince(name: name, age: "2")
        driver.press(.enter)
        return driver
    }

    @Test func theConsentScreenFollowsTheHighlightedChoiceAndSaysHowLongTheNameIsKept() throws {
        let renderer = try renderer()
        var driver = underSixteenOnConsent()
        #expect(driver.flow.screen == .consent)
        // Anonymous is highlighted first: nothing says the name is printed.
        var frame = renderer.plain(driver.flow).joined(separator: "\n")
        #expect(!frame.contains("Trần Minh Đức"))
        #expect(frame.contains("Bạn ký ẩn danh") && !frame.contains("30/06/2027"))
        driver.press(.text("1"))
        frame = renderer.plain(driver.flow).joined(separator: "\n")
        #expect(frame.contains("Tên “Trần Minh Đức” được in trên giấy chứng nhận của bạn."))
        #expect(frame.contains("Tên được giữ đến hết ngày 30/06/2027, rồi bị xóa"))
        #expect(!frame.contains("Bạn ký ẩn danh"))
        // At 80×24 the whole screen fits: the text, the question and both answers.
        for language in [Language.vi, .en] {
            var flow = driver.flow
            if language == .en { _ = flow.handle(.key(.tab)) }
            let small = renderer.plain(flow, columns: 80, lines: 24).joined(separator: "\n")
            #expect(small.contains("1. ") && small.contains("2. ") && small.contains("2027"), "\(small)")
        }
        driver.press(.tab)
        #expect(renderer.plain(driver.flow).joined(separator: "\n").contains("kept until the end of 30 June 2027"))
        driver.press(.down)
        #expect(!renderer.plain(driver.flow).joined(separator: "\n").contains("Trần Minh Đức"))
    }

    @Test func anAdultsConsentScreenSaysTheDateOrThatNoneIsSet() throws {
        var driver = Driver()
        driver.reachProvince(name: "Lan", age: "4")
        driver.press(.enter)
        #expect(try renderer().plain(driver.flow).joined(separator: "\n").contains("đến hết ngày 30/06/2027"))
        let unset = try renderer(retainUntil: nil).plain(driver.flow).joined(separator: "\n")
        #expect(unset.contains("Sự kiện chưa đặt ngày xóa tên"))
    }

    @Test func choosingAnonymousThenGoingBackKeepsTheTypedName() throws {
        let renderer = try renderer()
        var driver = underSixteenOnConsent()
        driver.press(.text("2"), .enter)
        #expect(driver.flow.screen == .confirm)
        #expect(renderer.plain(driver.flow).joined(separator: "\n").contains("Tên: Người ký ẩn danh"))
        // Back on the consent screen the answer given is highlighted; further back, the name is there.
        driver.press(.escape)
        #expect(driver.flow.screen == .consent && driver.flow.signer.choice == 1)
        driver.press(.escape, .escape, .escape)
        #expect(driver.flow.screen == .name)
        #expect(renderer.plain(driver.flow).joined(separator: "\n").contains("Trần Minh Đức_"))
        // Forward again, the guardian agrees this time: the name is stored.
        driver.press(.enter, .enter, .enter, .text("1"), .enter)
        #expect(renderer.plain(driver.flow).joined(separator: "\n").contains("Tên: Trần Minh Đức"))
        driver.press(.enter)
        let draft = try #require(driver.submits.last?.0)
        #expect(draft.name == "Trần Minh Đức" && draft.guardianConsent)
    }

    /// The confirm screen says what signs right under the answers, and its keys once, in the
    /// footer (a trial saw the same key line twice; the next missed it in the footer alone).
    @Test func theConfirmScreenSaysWhatSignsAndItsKeysOnce() throws {
        let renderer = try renderer()
        var driver = underSixteenOnConsent()
        driver.press(.text("1"), .enter)
        #expect(driver.flow.screen == .confirm)
        let lines = renderer.plain(driver.flow)
        let screen = lines.joined(separator: "\n")
        #expect(screen.ranges(of: "Enter: ký cam kết").count == 1, "\(screen)")
        let prompt = try #require(lines.firstIndex { $0.contains("Nhấn Enter để ký cam kết") }, "\(screen)")
        let answers = try #require(lines.firstIndex { $0.contains("Tên: Trần Minh Đức") })
        #expect(prompt - answers <= 5, "\(screen)")
    }

    @Test func anonymousChosenStoresNoNameThoughItStaysTyped() throws {
        var driver = underSixteenOnConsent()
        driver.press(.text("1"), .enter, .escape, .text("2"), .enter, .enter)
        let draft = try #require(driver.submits.first?.0)
        #expect(draft.name == nil && !draft.guardianConsent)
        #expect(throws: Never.self) { try draft.validated() }
    }

    @Test func anonymousFromTheErrorScreenKeepsTheNameForTheWayBack() throws {
        var driver = Driver()
        driver.reachProvince(name: "An", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.failed(PledgeError(.personalDataNoLongerKept, vi: "Không ghi tên.", en: "No names.")))
        driver.press(.enter, .enter)  // pledge anonymously, then sign
        #expect(driver.submits.last?.0.name == nil)
        driver.send(.failed(PledgeError(.unavailable, vi: "Lỗi.", en: "Failed.")))
        driver.press(.escape, .escape, .escape, .escape, .escape)  // error → … → name
        #expect(driver.flow.screen == .name && driver.flow.signer.name == "An")
    }

    @Test func aNameOverTheLimitIsRefusedOnTheNameScreenWithTheStoresRule() throws {
        let renderer = try renderer()
        let limit = TextField.name.maxLength
        var driver = Driver()
        driver.press(.enter, .enter)
        let name = String(repeating: "Minh ", count: 12) + "A"  // 61 characters
        driver.press(.text(name))
        #expect(driver.flow.signer.name.count == limit + 1)
        #expect(driver.flow.signer.nameProblem?.code == .nameTooLong)
        let frame = renderer.plain(driver.flow).joined(separator: "\n")
        #expect(frame.contains("Tên đang có 61 ký tự, tối đa 60"))
        // Only the length, not also the store's "or a letter with too many marks" (a tester found
        // the two lines confusing).
        #expect(!frame.contains("Tên dài quá 60 ký tự"))
        driver.press(.enter)
        #expect(driver.flow.screen == .name)
        // More keys wait until the name is shortened; nothing is cut.
        driver.press(.text("x"))
        #expect(driver.flow.signer.name.count == limit + 1)
        driver.press(.backspace)
        #expect(driver.flow.signer.nameProblem == nil)
        driver.press(.enter)
        #expect(driver.flow.screen == .ageBand)
    }

    @Test func whiteSpaceCountsAsTheStoreCountsIt() {
        var driver = Driver()
        driver.press(.enter, .enter)
        // Doubled spaces collapse in the store: 70 characters typed are 59 there, so no refusal.
        driver.type(Array(repeating: "Minh", count: 12).joined(separator: "  "))
        #expect(driver.flow.signer.name.count == 70 && driver.flow.signer.nameProblem == nil)
        driver.type("B")
        #expect(driver.flow.signer.nameProblem == nil)
        driver.type("C")
        #expect(driver.flow.signer.nameProblem?.code == .nameTooLong)
    }

    @Test func enterWithNoAgeBandChosenSaysWhatToDo() throws {
        let renderer = try renderer()
        var driver = Driver()
        driver.press(.enter, .enter, .enter)
        #expect(!renderer.plain(driver.flow).joined().contains("Bạn chưa chọn nhóm tuổi"))
        driver.press(.enter)
        #expect(driver.flow.screen == .ageBand)
        #expect(renderer.plain(driver.flow).joined().contains("Bạn chưa chọn nhóm tuổi. Nhấn phím 1–5"))
        driver.press(.down)
        #expect(!renderer.plain(driver.flow).joined().contains("Bạn chưa chọn nhóm tuổi"))
    }

    @Test func theProvinceListSaysHowManyEntriesAreAboveAndBelow() throws {
        let renderer = try renderer()
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        let total = driver.flow.provinceOptions.count
        func shown() -> (above: Int, rows: Int, below: Int) {
            let frame = renderer.plain(driver.flow, columns: 80, lines: 24)
            func hidden(_ pattern: String) -> Int {
                frame.compactMap { line in
                    line.firstMatch(of: try! Regex(pattern)).flatMap { Int($0.output[1].substring ?? "") }
                }.first ?? 0
            }
            let rows = frame.map { $0.replacing(/\s+$/, with: "") }.filter { line in
                driver.flow.provinceOptions.contains { option in
                    line.hasSuffix(" " + (option?.name ?? "Không muốn nói"))
                }
            }
            return (hidden(#"↑ còn (\d+) mục ở trên"#), rows.count, hidden(#"↓ còn (\d+) mục ở dưới"#))
        }
        let top = shown()
        #expect(top.above == 0 && top.below > 0 && top.rows + top.below == total)
        for _ in 1..<total { driver.press(.down) }
        let bottom = shown()
        #expect(bottom.below == 0 && bottom.above == top.below && bottom.rows + bottom.above == total)
        for _ in 1...(total / 2) { driver.press(.up) }
        let middle = shown()
        #expect(middle.above > 0 && middle.below > 0 && middle.above + middle.rows + middle.below == total)
        // A list that fits says nothing.
        driver.type("ha")
        #expect(!renderer.plain(driver.flow, columns: 80, lines: 24).joined().contains("còn"))
    }

    @Test(arguments: [(80, 24), (100, 40), (120, 30)])
    func theDoneScreenShowsTheWholeLinkOnOneLine(size: (columns: Int, lines: Int)) throws {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        driver.press(.enter, .enter, .enter)
        for url in ["HTTP://192.168.1.20:8080/C/7KQ2MX4P9TZAB3CD", "HTTP://127.0.0.1:43215/C/7KQ2MX4P9TZAB3CD"] {
            let receipt = RecordOutcome.queued(code: Fixtures.receipt.code, certificateUrl: url)
            var flow = driver.flow
            _ = flow.handle(.recorded(receipt))
            let frame = try renderer().plain(flow, columns: size.columns, lines: size.lines)
            #expect(frame.contains { $0.contains(url) }, "\(frame.joined(separator: "\n"))")
            #expect(frame.contains { $0.contains("7KQ2-MX4P-9TZA-B3CD") })
        }
    }

    @Test func linksBreakBeforeTheirCodeNeverInsideIt() {
        let link = "Hoặc mở: HTTP://192.168.1.20:8080/C/7KQ2MX4P9TZAB3CD"
        for columns in [20, 30, 40, 44] {
            let lines = TerminalText.wrap(link, to: columns)
            #expect(lines.contains { $0.hasSuffix("7KQ2MX4P9TZAB3CD") }, "\(columns): \(lines)")
            #expect(lines.allSatisfy { TerminalText.width($0) <= columns })
        }
        #expect(TerminalText.wrap(link, to: 44) == ["Hoặc mở:", "HTTP://192.168.1.20:8080/C/7KQ2MX4P9TZAB3CD"])
        #expect(
            TerminalText.wrap("Mã giấy chứng nhận: 7KQ2-MX4P-9TZA-B3CD", to: 24) == [
                "Mã giấy chứng nhận:", "7KQ2-MX4P-9TZA-B3CD",
            ])
    }

    @Test func eachSignerStartsWithTheDefaultDisplayAndLanguage() {
        var driver = Driver()
        driver.press(.largeText, .highContrast, .tab)
        #expect(driver.flow.display == KioskFlow.Display(largeText: true, highContrast: true))
        driver.reachProvince(name: "", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.recorded(Fixtures.receipt))
        driver.press(.enter)  // done → welcome: the next signer
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.display == KioskFlow.Display() && driver.flow.language == .vi)
        // A kiosk started with a display of its own comes back to that one.
        var kiosk = Driver(KioskFlow(language: .vi, display: KioskFlow.Display(highContrast: true)))
        kiosk.press(.enter, .highContrast, .largeText, .escape)
        #expect(kiosk.flow.display == KioskFlow.Display(highContrast: true))
    }
}
