import PledgeKit
import Testing

@testable import KioskFront

@Suite struct KioskFlowInputTests {
    @Test func provinceFilterIgnoresDiacriticsAndCase() throws {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        driver.type("HA NOI")
        #expect(driver.flow.provinceOptions == [Province(matching: "Hà Nội")])
        driver.press(.enter)
        #expect(driver.flow.signer.province?.name == "Hà Nội")
    }

    @Test func pastedProvinceSearchIsCapped() {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        driver.type(String(repeating: "ha noi ", count: 100))
        #expect(driver.flow.signer.provinceFilter.count == KioskFlow.maximumProvinceFilterLength)
        driver.type("more")
        #expect(driver.flow.signer.provinceFilter.count == KioskFlow.maximumProvinceFilterLength)
    }

    @Test func provinceArrowsAndPreferNotToSay() {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        #expect(driver.flow.provinceOptions.count == 35)
        #expect(driver.flow.provinceOptions.first == .some(nil))
        driver.press(.up, .down, .down)
        driver.press(.enter)
        #expect(driver.flow.signer.province?.name == "Hồ Chí Minh")
    }

    @Test func provinceFilterBackspaceAndNoMatch() {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        driver.type("xyz")
        #expect(driver.flow.provinceOptions.isEmpty)
        driver.press(.enter)
        #expect(driver.flow.screen == .province)
        driver.press(.backspace, .backspace, .backspace)
        driver.type("đà n")
        #expect(driver.flow.provinceOptions.map { $0?.name } == ["Đà Nẵng"])
    }

    @Test func nfdNameJoinsIntoCharactersAndBackspaceRemovesThemWhole() throws {
        var driver = Driver()
        driver.press(.enter, .enter)
        // "Ánh" and "Nguyễn" typed as base letters followed by separate combining marks.
        for scalar in "A\u{301}nh Nguye\u{302}\u{303}n".unicodeScalars {
            driver.press(.text(String(scalar)))
        }
        #expect(driver.flow.signer.name.count == 10)
        driver.press(.backspace, .backspace)
        #expect(VietnameseText.nfc(driver.flow.signer.name) == "Ánh Nguy")
        driver.type("ễn")
        driver.press(.enter, .text("4"), .enter, .enter, .enter, .enter)
        #expect(try #require(driver.submits.first?.0).name == "Ánh Nguyễn")
    }

    @Test func backspaceRemovesACharacterWithItsMark() {
        var driver = Driver()
        driver.press(.enter, .enter)
        driver.press(.text("e"), .text("\u{301}"))
        #expect(driver.flow.signer.name.count == 1)
        driver.press(.backspace)
        #expect(driver.flow.signer.name.isEmpty)
    }

    /// A pasted flood stops one past the limit, where the screen refuses the name (issue 17: never
    /// cut without a word).
    @Test func pastedNameStopsOnePastTheMaximumLengthAndIsRefused() {
        var driver = Driver()
        driver.press(.enter, .enter, .text(String(repeating: "ư", count: 80)))
        #expect(driver.flow.signer.name.count == TextField.name.maxLength + 1)
        #expect(driver.flow.signer.nameProblem?.code == .nameTooLong)
        driver.press(.enter)
        #expect(driver.flow.screen == .name)
    }

    @Test func badNameStaysOnTheNameScreenWithTheReason() {
        var driver = Driver()
        driver.press(.enter, .enter, .text("A\u{0007}"))  // a control that slipped through
        driver.press(.enter)
        #expect(driver.flow.screen == .name)
        #expect(driver.flow.signer.nameProblem?.code == .forbiddenCharacter)
    }

    @Test func ageBandByArrows() {
        var driver = Driver()
        driver.press(.enter, .enter, .enter)
        driver.press(.enter)
        #expect(driver.flow.screen == .ageBand)  // nothing chosen yet
        driver.press(.down, .down, .down, .enter)
        #expect(driver.flow.signer.ageBand == .from16To17)
        #expect(driver.flow.screen == .province)
    }

    @Test func escapeGoesBackKeepingAnswers() {
        var driver = Driver()
        driver.reachProvince(name: "Minh", age: "3")
        driver.press(.escape)
        #expect(driver.flow.screen == .ageBand)
        driver.press(.escape)
        #expect(driver.flow.screen == .name)
        #expect(driver.flow.signer.name == "Minh")
        driver.press(.escape, .escape)
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.signer == KioskFlow.Signer())
    }
}
