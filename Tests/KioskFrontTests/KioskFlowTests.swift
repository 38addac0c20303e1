import PledgeKit
import Testing

@testable import KioskFront

@Suite struct KioskFlowTests {
    @Test func happyPathSubmitsOnceWithTheExpectedDraft() throws {
        var driver = Driver()
        driver.send(.tick(.zero))
        driver.reachProvince(name: "  Nguyễn   Thị Ánh ", age: "4")
        #expect(driver.flow.screen == .province)
        driver.type("ha noi")
        driver.press(.enter)
        #expect(driver.flow.screen == .consent)
        driver.press(.enter)
        #expect(driver.flow.screen == .confirm)
        driver.press(.enter)
        #expect(driver.flow.screen == .submitting)

        let submits = driver.submits
        try #require(submits.count == 1)
        let draft = submits[0].0
        #expect(draft.name == "Nguyễn Thị Ánh")
        #expect(draft.ageBand == .from18To24)
        #expect(draft.province == Province(matching: "Hà Nội"))
        #expect(draft.guardianConsent == false)

        driver.send(.recorded(Fixtures.receipt))
        #expect(driver.flow.screen == .done(Fixtures.receipt))
        #expect(driver.flow.signer == KioskFlow.Signer())  // forgotten once stored
    }

    @Test func emptyNameMeansAnonymous() throws {
        var driver = Driver()
        driver.reachProvince(name: "", age: "2")
        driver.press(.enter, .enter, .enter)  // prefer not to say, consent, confirm
        let draft = try #require(driver.submits.first?.0)
        #expect(draft.name == nil)
        #expect(draft.ageBand == .from12To15)
        #expect(draft.province == nil)
        #expect(draft.guardianConsent == false)
    }

    @Test func blankNameIsAnonymousToo() throws {
        var driver = Driver()
        driver.reachProvince(name: "   ", age: "5")
        driver.press(.enter, .enter, .enter)
        #expect(try #require(driver.submits.first?.0).name == nil)
    }

    @Test func underSixteenWithNameCanPledgeAnonymouslyInstead() throws {
        var driver = Driver()
        driver.reachProvince(name: "Bé Na", age: "2")
        driver.press(.enter)
        #expect(driver.flow.screen == .consent)
        #expect(driver.flow.signer.needsGuardianQuestion)
        driver.press(.text("2"))
        // A number key marks the choice; only Enter answers, so the check screen is never skipped.
        #expect(driver.flow.screen == .consent)
        driver.press(.enter)
        #expect(driver.flow.screen == .confirm)
        driver.press(.enter)
        let draft = try #require(driver.submits.first?.0)
        #expect(draft.name == nil)
        #expect(draft.guardianConsent == false)
        #expect(throws: Never.self) { try draft.validated() }
    }

    @Test func underSixteenWithGuardianKeepsTheName() throws {
        var driver = Driver()
        driver.reachProvince(name: "Bé Na", age: "1")
        driver.press(.enter, .text("1"), .enter)
        #expect(driver.flow.screen == .confirm)
        driver.press(.enter)
        let draft = try #require(driver.submits.first?.0)
        #expect(draft.name == "Bé Na")
        #expect(draft.guardianConsent)
    }

    @Test func enterOnTheGuardianQuestionDefaultsToAnonymous() throws {
        var driver = Driver()
        driver.reachProvince(name: "Bé Na", age: "2")
        driver.press(.enter, .enter, .enter)
        #expect(try #require(driver.submits.first?.0).name == nil)
    }

    @Test func doubleEnterSubmitsOnce() {
        var driver = Driver()
        driver.reachProvince(name: "An", age: "4")
        driver.press(.enter, .enter, .enter, .enter, .enter)
        #expect(driver.flow.screen == .submitting)
        #expect(driver.submits.count == 1)
    }

    @Test func retryAfterFailureReusesTheKey() throws {
        var driver = Driver()
        driver.reachProvince(name: "An", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.failed(PledgeError(.unavailable, vi: "Lỗi lưu trữ.", en: "Storage failed.")))
        guard case .error = driver.flow.screen else {
            Issue.record("no error screen")
            return
        }
        #expect(driver.flow.secondsLeft == nil)
        driver.press(.enter)  // first option: retry
        #expect(driver.flow.screen == .submitting)
        let submits = driver.submits
        try #require(submits.count == 2)
        #expect(submits[0].1 == submits[1].1)
        #expect(submits[0].0 == submits[1].0)
    }

    @Test func aChangedDraftGetsANewKey() throws {
        var driver = Driver()
        driver.reachProvince(name: "An", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.failed(PledgeError(.unavailable, vi: "Lỗi.", en: "Failed.")))
        driver.press(.escape, .escape, .escape, .escape)  // error → confirm → consent → province → age band
        driver.press(.text("5"), .enter, .enter, .enter, .enter)
        let submits = driver.submits
        try #require(submits.count == 2)
        #expect(submits[1].0.ageBand == .from25)
        #expect(submits[0].1 != submits[1].1)
    }

    @Test(
        "Refused for a name (no guardian's consent; past the retention date): the first option is anonymous",
        arguments: [PledgeError.Code.guardianConsentRequired, .personalDataNoLongerKept])
    func nameRefusalOffersAnonymous(code: PledgeError.Code) throws {
        var driver = Driver()
        driver.reachProvince(name: "An", age: "4")
        driver.press(.enter, .enter, .enter)
        let error = PledgeError(code, vi: "Không ghi được tên.", en: "No name can be kept.")
        driver.send(.failed(error))
        #expect(KioskFlow.errorOptions(for: error).first == .pledgeAnonymously)
        driver.press(.text("1"))
        #expect(driver.flow.screen == .error(error))
        driver.press(.enter)
        #expect(driver.flow.screen == .confirm)
        driver.press(.enter)
        #expect(try #require(driver.submits.last?.0).name == nil)
    }

    @Test func lateAnswersAreIgnored() {
        var driver = Driver()
        driver.send(.recorded(Fixtures.receipt))
        #expect(driver.flow.screen == .welcome)
    }

    @Test func tabTogglesLanguageEverywhere() {
        var driver = Driver()
        #expect(driver.flow.language == .vi)
        driver.press(.tab)
        #expect(driver.flow.language == .en)
        #expect(driver.flow.screen == .welcome)
        driver.press(.enter, .enter, .tab)
        #expect(driver.flow.screen == .name)
        #expect(driver.flow.signer.name.isEmpty)  // Tab is never part of a name
        #expect(driver.flow.language == .vi)
    }

    @Test func ctrlCQuits() {
        var driver = Driver()
        driver.press(.enter)
        #expect(driver.press(.interrupt) == [.quit])
    }

    @Test func welcomeAsksForTheCountEveryFewSeconds() {
        var driver = Driver()
        #expect(driver.send(.tick(.zero)) == [.refreshCount])
        #expect(driver.send(.tick(.seconds(2))) == [])
        #expect(driver.send(.tick(.seconds(5))) == [.refreshCount])
        #expect(driver.send(.counted(12_345)) == [.redraw])
        #expect(driver.flow.count == 12_345)
    }
}
