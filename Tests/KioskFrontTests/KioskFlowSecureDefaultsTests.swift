import Foundation
import PledgeKit
import Testing

@testable import KioskFront

/// Issue 12, secure defaults: the PIN backs off after wrong tries, quitting with pledges still
/// waiting asks again, developer mode is shown. Time moves only by `.tick` (no sleeps).
@Suite struct KioskFlowSecureDefaultsTests {
    static func flow(developerMode: Bool = false) -> KioskFlow {
        let counter = Counter()
        return KioskFlow(
            language: .vi, attendantPIN: "2468", developerMode: developerMode,
            makeKey: { try! IdempotencyKey("k-\(counter.next())") })
    }

    /// The screen's lines as one text, so a wrapped sentence reads whole.
    static func words(_ lines: [String]) -> String {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Types `pin` and Enter on the PIN screen.
    static func tryPIN(_ pin: String, _ driver: inout Driver) {
        driver.type(pin)
        driver.press(.enter)
    }

    @Test func thirtyOneWrongPINsThenTheRightOneDoNotOpenTheMenuUntilTheWaitIsOver() {
        var driver = Driver(Self.flow())
        driver.send(.tick(.zero))
        driver.press(.interrupt)
        for guess in 0..<31 {
            Self.tryPIN(String(format: "%04d", 1000 + guess), &driver)
        }
        #expect(driver.flow.pinWaitLeft == .seconds(30))
        Self.tryPIN("2468", &driver)
        #expect(driver.flow.screen == .attendantPIN)
        driver.send(.tick(.seconds(29)))
        Self.tryPIN("2468", &driver)
        #expect(driver.flow.screen == .attendantPIN, "opened within the lockout")
        driver.send(.tick(.seconds(30)))
        #expect(driver.flow.pinWaitLeft == nil)
        Self.tryPIN("2468", &driver)
        #expect(driver.flow.screen == .attendantMenu)
        #expect(driver.flow.pinFailures == 0)
    }

    /// A screen restarted by the terminal guard carries the wrong PINs in a row (a breaker found
    /// that a restart cleared the lock): the lock they earned starts again in full.
    @Test func wrongPINsCarriedOverARestartKeepTheLock() {
        let counter = Counter()
        var driver = Driver(
            KioskFlow(
                language: .vi, attendantPIN: "2468", pinFailures: 4,
                makeKey: { try! IdempotencyKey("k-\(counter.next())") }))
        driver.send(.tick(.zero))
        driver.press(.interrupt)
        #expect(driver.flow.pinWaitLeft == .seconds(60))
        Self.tryPIN("2468", &driver)
        #expect(driver.flow.screen == .attendantPIN, "opened within the carried lock")
        driver.send(.tick(.seconds(60)))
        Self.tryPIN("1111", &driver)
        #expect(driver.flow.pinFailures == 5)
        #expect(driver.flow.pinWaitLeft == .seconds(120), "the back-off goes on from the carried count")

        var fresh = Driver(
            KioskFlow(language: .vi, attendantPIN: "2468", pinFailures: 2, makeKey: { IdempotencyKey.random() }))
        fresh.send(.tick(.zero))
        fresh.press(.interrupt)
        #expect(fresh.flow.pinWaitLeft == nil)
        Self.tryPIN("1111", &fresh)
        #expect(fresh.flow.pinWaitLeft == .seconds(30), "the third wrong PIN in a row, across the restart")
    }

    @Test func eachFurtherWrongPINDoublesTheWaitUpToFifteenMinutes() {
        var driver = Driver(Self.flow())
        driver.send(.tick(.zero))
        driver.press(.interrupt)
        Self.tryPIN("1111", &driver)
        Self.tryPIN("1112", &driver)
        #expect(driver.flow.pinWaitLeft == nil)
        var now = Duration.zero
        for expected in [30, 60, 120, 240, 480, 900, 900, 900] {
            Self.tryPIN("1113", &driver)
            #expect(driver.flow.pinWaitLeft == .seconds(expected))
            // A try during the lockout is refused, not counted.
            Self.tryPIN("1114", &driver)
            #expect(driver.flow.pinWaitLeft == .seconds(expected))
            now += .seconds(expected)
            driver.send(.tick(now))
            // Back on the PIN screen, should the idle timeout have closed it.
            driver.press(.interrupt)
        }
        #expect(driver.flow.pinFailures == 10)
    }

    @Test func theRightPINResetsTheCountAndTheLockOutlivesEscAndCtrlC() {
        var driver = Driver(Self.flow())
        driver.send(.tick(.zero))
        driver.press(.interrupt)
        Self.tryPIN("1111", &driver)
        Self.tryPIN("1111", &driver)
        Self.tryPIN("2468", &driver)
        #expect(driver.flow.screen == .attendantMenu)
        #expect(driver.flow.pinFailures == 0)
        driver.press(.escape)
        driver.press(.interrupt)
        for _ in 0..<3 { Self.tryPIN("1111", &driver) }
        #expect(driver.flow.pinWaitLeft == .seconds(30))
        // Leaving the PIN screen and coming back does not end the wait; digits are not taken.
        driver.press(.escape)
        #expect(driver.flow.screen == .welcome)
        driver.send(.tick(.seconds(10)))
        driver.press(.interrupt)
        driver.type("2468")
        #expect(driver.flow.pinEntry.isEmpty)
        driver.press(.enter)
        #expect(driver.flow.screen == .attendantPIN)
        #expect(driver.flow.pinWaitLeft == .seconds(20))
        // The PIN screen redraws every second during the wait, so the countdown moves.
        #expect(driver.send(.tick(.seconds(11))) == [.redraw])
    }

    @Test func theLockedScreenSaysHowLongToWaitInBothLanguages() throws {
        let renderer = try Fixtures.renderer()
        var driver = Driver(Self.flow())
        driver.send(.tick(.zero))
        driver.press(.interrupt)
        for _ in 0..<3 { Self.tryPIN("1111", &driver) }
        driver.send(.tick(.milliseconds(500)))
        let vi = Self.words(renderer.plain(driver.flow))
        #expect(vi.contains("Sai mã PIN quá nhiều lần. Vui lòng đợi 0:30 (phút:giây) rồi thử lại."))
        driver.press(.tab)
        driver.send(.tick(.seconds(31)))
        Self.tryPIN("1111", &driver)
        let en = Self.words(renderer.plain(driver.flow))
        #expect(en.contains("Too many wrong PINs. Please wait 1:00 (min:s) before trying again."))
        #expect(KioskFlow.pinLockout(afterFailures: 2) == nil)
        #expect(KioskFlow.pinLockout(afterFailures: 1000) == .seconds(900))
        #expect(ScreenRenderer.minutesSeconds(.seconds(899) + .milliseconds(1)) == "15:00")
    }

    /// Opens the attendant's menu and chooses quit (4, Enter).
    static func chooseQuit(_ driver: inout Driver) -> [FlowEffect] {
        driver.press(.interrupt)
        tryPIN("2468", &driver)
        return driver.press(.text("4"), .enter)
    }

    @Test func quittingWithPledgesWaitingSaysHowManyAndAsksAgain() throws {
        var driver = Driver(Self.flow())
        driver.send(.link(online: false, waiting: 3))
        #expect(!Self.chooseQuit(&driver).contains(.quit))
        #expect(driver.flow.screen == .confirmQuit)
        let screen = Self.words(try Fixtures.renderer().plain(driver.flow))
        #expect(screen.contains("Còn 3 lời cam kết chưa gửi lên máy chủ"))
        #expect(screen.contains("an toàn trong tệp hộp thư đi (outbox)"))
        #expect(screen.contains("Enter: vẫn thoát · Esc: không thoát"))
        // Esc: back to the menu, nothing quits; Ctrl-C does nothing here.
        #expect(driver.press(.interrupt).isEmpty)
        driver.press(.escape)
        #expect(driver.flow.screen == .attendantMenu)
        #expect(!driver.effects.contains(.quit))
        // Quit again, and Enter confirms.
        driver.press(.text("4"), .enter)
        #expect(driver.flow.screen == .confirmQuit)
        #expect(driver.press(.enter) == [.quit])
    }

    @Test func quittingWithNothingWaitingQuitsAtOnce() {
        var online = Driver(Self.flow())
        online.send(.link(online: true, waiting: 0))
        #expect(Self.chooseQuit(&online).last == .quit)
        // One machine (`kiosk run`): no outbox.
        var local = Driver(Self.flow())
        #expect(Self.chooseQuit(&local).last == .quit)
    }

    @Test func theConfirmScreenClosesOnTheIdleTimeout() {
        var driver = Driver(Self.flow())
        driver.send(.tick(.zero), .link(online: false, waiting: 1))
        _ = Self.chooseQuit(&driver)
        driver.send(.tick(.seconds(90)))
        #expect(driver.flow.screen == .welcome)
    }

    @Test func developerModeShowsOnTheWelcomeFooterAndTheStatusScreen() throws {
        let renderer = try Fixtures.renderer()
        let plain = renderer.plain(Driver().flow).joined(separator: "\n")
        #expect(!plain.contains("Chế độ nhà phát triển"))
        var developer = Driver(Self.flow(developerMode: true))
        #expect(renderer.plain(developer.flow).last?.contains("Chế độ nhà phát triển (--developer-mode)") == true)
        developer.press(.interrupt)
        Self.tryPIN("2468", &developer)
        developer.press(.text("3"), .enter)
        #expect(developer.flow.screen == .status)
        #expect(renderer.plain(developer.flow).contains { $0.contains("Chế độ nhà phát triển") })
        developer.press(.tab)
        #expect(renderer.plain(developer.flow).contains { $0.contains("Developer mode (--developer-mode)") })
    }
}
