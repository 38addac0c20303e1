import PledgeKit
import Testing

@testable import KioskFront

@Suite struct KioskFlowTimeoutTests {
    @Test func idleReturnsToWelcomeAndForgetsTheSigner() throws {
        var driver = Driver()
        driver.send(.tick(.seconds(10)))
        driver.press(.enter, .enter)
        driver.type("Trần Văn Bảo")
        driver.send(.tick(.seconds(70)))
        #expect(driver.flow.secondsLeft == nil)
        driver.send(.tick(.seconds(85)))
        #expect(driver.flow.secondsLeft == 15)
        driver.send(.tick(.seconds(99)))
        #expect(driver.flow.secondsLeft == 1)
        #expect(driver.flow.screen == .name)
        let effects = driver.send(.tick(.seconds(100)))
        #expect(driver.flow.screen == .welcome)
        #expect(effects.contains(.refreshCount))
        #expect(driver.flow.signer == KioskFlow.Signer())

        let frame = try Fixtures.renderer().plain(driver.flow).joined(separator: "\n")
        for trace in ["Trần", "Văn", "Bảo", "Tran"] { #expect(!frame.contains(trace)) }
    }

    @Test func idleCountdownIsShown() throws {
        var driver = Driver()
        driver.press(.enter, .enter)
        driver.send(.tick(.seconds(80)))
        let frame = try Fixtures.renderer().plain(driver.flow).joined(separator: "\n")
        #expect(frame.contains("sau 10 giây"))
    }

    @Test func aKeyRestartsTheIdleTimer() {
        var driver = Driver()
        driver.press(.enter, .enter)
        driver.send(.tick(.seconds(80)))
        driver.type("A")
        driver.send(.tick(.seconds(160)))
        #expect(driver.flow.screen == .name)
        #expect(driver.flow.signer.name == "A")
    }

    @Test func idleResetRestoresTheKioskLanguage() {
        var driver = Driver()
        driver.press(.enter, .tab)
        driver.send(.tick(.seconds(90)))
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.language == .vi)
    }

    @Test func submittingDoesNotTimeOut() {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.tick(.seconds(600)))
        #expect(driver.flow.screen == .submitting)
    }

    @Test func doneReturnsToWelcomeAfterItsTimeout() {
        var driver = doneDriver()
        driver.send(.tick(.seconds(59)))
        #expect(driver.flow.screen == .done(Fixtures.receipt))
        #expect(driver.flow.secondsLeft == 1)
        driver.send(.tick(.seconds(60)))
        #expect(driver.flow.screen == .welcome)
    }

    @Test func doneReturnsToWelcomeOnAKey() {
        var driver = doneDriver()
        driver.press(.tab)
        #expect(driver.flow.screen == .done(Fixtures.receipt))
        driver.press(.text("x"))
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.signer == KioskFlow.Signer())
    }

    private func doneDriver() -> Driver {
        var driver = Driver()
        driver.reachProvince(name: "Lê Thu", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.recorded(Fixtures.receipt))
        return driver
    }
}
