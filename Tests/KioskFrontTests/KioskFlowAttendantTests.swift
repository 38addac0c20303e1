import Foundation
import PledgeKit
import Testing

@testable import KioskFront

@Suite struct KioskFlowAttendantTests {
    static func flow() -> KioskFlow {
        let counter = Counter()
        return KioskFlow(language: .vi, attendantPIN: "2468", makeKey: { try! IdempotencyKey("k-\(counter.next())") })
    }

    @Test func withoutAPINCtrlCQuits() {
        var driver = Driver()
        #expect(driver.press(.interrupt) == [.quit])
    }

    @Test func ctrlCAsksForThePINAndForgetsTheSigner() {
        var driver = Driver(Self.flow())
        driver.reachProvince(name: "Lê Văn Tám", age: "4")
        #expect(driver.press(.interrupt) == [.redraw])
        #expect(driver.flow.screen == .attendantPIN)
        #expect(driver.flow.signer == KioskFlow.Signer())
        // Esc: back to welcome, not to the signer's form.
        driver.press(.escape)
        #expect(driver.flow.screen == .welcome)
    }

    @Test func aWrongPINKeepsTheMenuShut() {
        var driver = Driver(Self.flow())
        driver.press(.interrupt)
        driver.type("1357")
        #expect(driver.flow.pinEntry == "1357")
        driver.press(.enter)
        #expect(driver.flow.screen == .attendantPIN)
        #expect(driver.flow.pinWrong)
        #expect(driver.flow.pinEntry.isEmpty)
        driver.type("24x6")  // letters are not PIN digits
        driver.press(.backspace)
        #expect(driver.flow.pinEntry == "24")
        driver.type("68")
        driver.press(.enter)
        #expect(driver.flow.screen == .attendantMenu)
    }

    @Test func pauseResumeStatusAndQuit() {
        var driver = Driver(Self.flow())
        driver.press(.interrupt)
        driver.type("2468")
        driver.press(.enter)
        // 1: pause.
        let paused = driver.press(.text("1"), .enter)
        #expect(paused.contains(.report(.paused)))
        #expect(driver.flow.screen == .paused)
        #expect(driver.flow.paused)
        // Paused: keys do nothing, the idle timeout leaves it paused.
        #expect(driver.press(.enter, .text("a"), .escape).isEmpty)
        driver.send(.tick(.seconds(500)))
        #expect(driver.flow.screen == .paused)
        // The menu opens with "resume" highlighted.
        driver.press(.interrupt)
        driver.type("2468")
        driver.press(.enter)
        #expect(driver.flow.menuChoice == 1)
        // 3: status, and back to the menu.
        driver.press(.text("3"), .enter)
        #expect(driver.flow.screen == .status)
        driver.press(.escape)
        #expect(driver.flow.screen == .attendantMenu)
        driver.press(.up, .up, .down)
        #expect(driver.flow.menuChoice == 1)
        let resumed = driver.press(.enter)
        #expect(resumed.contains(.report(.ready)))
        #expect(driver.flow.screen == .welcome)
        #expect(!driver.flow.paused)
        // 4: quit.
        driver.press(.interrupt)
        driver.type("2468")
        driver.press(.enter)
        #expect(driver.press(.text("4"), .enter).last == .quit)
    }

    @Test func ctrlCWhileSavingIsIgnoredSoTheReceiptStillArrives() {
        var driver = Driver(Self.flow())
        driver.reachProvince(name: "", age: "4")
        driver.press(.enter, .enter, .enter)
        #expect(driver.flow.screen == .submitting)
        #expect(driver.press(.interrupt).isEmpty)
        driver.send(.recorded(Fixtures.receipt))
        #expect(driver.flow.screen == .done(Fixtures.receipt))
    }

    @Test func attendantScreensCloseOnTheIdleTimeout() {
        var driver = Driver(Self.flow())
        driver.send(.tick(.zero))
        driver.press(.interrupt)
        driver.type("2468")
        driver.press(.enter)
        driver.send(.tick(.seconds(80)))
        #expect(driver.flow.secondsLeft == 10)
        driver.send(.tick(.seconds(90)))
        #expect(driver.flow.screen == .welcome)
    }

    /// Issue 17: a signer's display modes are theirs alone; the next signer starts with the default.
    @Test func displayModesToggleOnEveryScreenAndEndWithTheSigner() {
        var driver = Driver()
        driver.press(.largeText)
        #expect(driver.flow.display.largeText)
        driver.reachProvince(name: "An", age: "4")
        driver.press(.highContrast)
        #expect(driver.flow.display == KioskFlow.Display(largeText: true, highContrast: true))
        driver.press(.largeText)
        #expect(driver.flow.display == KioskFlow.Display(highContrast: true))
        driver.press(.escape, .escape, .escape, .escape, .escape)
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.display == KioskFlow.Display())
    }

    @Test func linkChangesRedrawOnlyWhenTheyChange() {
        var driver = Driver()
        #expect(driver.send(.link(online: false, waiting: 2)) == [.redraw])
        #expect(driver.send(.link(online: false, waiting: 2)).isEmpty)
        #expect(driver.flow.link == KioskFlow.LinkMark(online: false, waiting: 2))
    }

    @Test func aPendingReceiptCountsAsSignedHereButNotAsANumber() {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.recorded(Fixtures.queued))
        #expect(driver.flow.signedHere == 1)
        #expect(driver.flow.count == 0)
    }
}

/// Every screen with Esc and Enter: where each goes, checked against a table.
@Suite struct KioskFlowTransitionTests {
    enum Step: Hashable { case enter, escape }

    /// The screen reached from each screen (anonymous 18–24 signer) by one key.
    static let table: [(KioskFlow.Screen, Step, KioskFlow.Screen)] = [
        (.welcome, .enter, .pledgeText), (.welcome, .escape, .welcome),
        (.pledgeText, .enter, .name), (.pledgeText, .escape, .welcome),
        (.name, .enter, .ageBand), (.name, .escape, .pledgeText),
        (.ageBand, .enter, .province), (.ageBand, .escape, .name),
        (.province, .enter, .consent), (.province, .escape, .ageBand),
        (.consent, .enter, .confirm), (.consent, .escape, .province),
        (.confirm, .enter, .submitting), (.confirm, .escape, .consent),
        (.submitting, .enter, .submitting), (.submitting, .escape, .submitting),
    ]

    /// A driver on `screen`, reached by keys.
    static func driver(on screen: KioskFlow.Screen) -> Driver {
        var driver = Driver()
        let path: [KioskFlow.Screen: [Key]] = [
            .welcome: [], .pledgeText: [.enter], .name: [.enter, .enter],
            .ageBand: [.enter, .enter, .enter], .province: [.enter, .enter, .enter, .text("4"), .enter],
            .consent: [.enter, .enter, .enter, .text("4"), .enter, .enter],
            .confirm: [.enter, .enter, .enter, .text("4"), .enter, .enter, .enter],
            .submitting: [.enter, .enter, .enter, .text("4"), .enter, .enter, .enter, .enter],
        ]
        for key in path[screen]! { driver.press(key) }
        return driver
    }

    @Test(arguments: 0..<16)
    func eachScreenGoesWhereTheTableSays(row: Int) {
        let (from, step, to) = Self.table[row]
        var driver = Self.driver(on: from)
        #expect(driver.flow.screen == from)
        if from == .ageBand { driver.press(.text("4")) }
        driver.press(step == .enter ? .enter : .escape)
        #expect(driver.flow.screen == to, "\(from) + \(step)")
    }

    @Test func doneAndErrorScreens() {
        var driver = Self.driver(on: .submitting)
        driver.send(.failed(PledgeError(.unavailable, vi: "x", en: "x")))
        #expect(driver.flow.screen == .error(PledgeError(.unavailable, vi: "x", en: "x")))
        driver.press(.escape)
        #expect(driver.flow.screen == .confirm)
        driver.press(.enter)
        driver.send(.recorded(Fixtures.receipt))
        #expect(driver.flow.screen == .done(Fixtures.receipt))
        let back = driver.press(.text("x"))
        #expect(back.contains(.refreshCount))
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.signer == KioskFlow.Signer())
    }

    @Test func aSecondEnterOnTheSameFormIsNotASecondSubmit() {
        var driver = Self.driver(on: .confirm)
        driver.press(.enter, .enter, .enter)
        #expect(driver.submits.count == 1)
        // A failure and a retry resend the same draft under the same key.
        driver.send(.failed(PledgeError(.unavailable, vi: "x", en: "x")))
        driver.press(.enter)
        #expect(driver.submits.count == 2)
        #expect(driver.submits[0].1 == driver.submits[1].1)
    }
}
