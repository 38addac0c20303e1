import Foundation
import Testing

@testable import KioskFront

/// The terminal guard's wait between two starts of the screen, and the notice the attendant sees.
@Suite struct ScreenRestartTests {
    @Test func theWaitDoublesFromHalfASecondUpToThirtySeconds() {
        var backoff = RestartBackoff()
        let quick = Duration.seconds(2)
        let waits = (0..<10).map { _ in backoff.delay(afterRunning: quick) }
        #expect(
            waits == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30),
                .seconds(30), .seconds(30), .seconds(30),
            ])
        #expect(backoff.quickEnds == 10)
    }

    @Test func aScreenThatRanAMinuteStartsTheWaitAgain() {
        var backoff = RestartBackoff()
        for _ in 0..<5 { _ = backoff.delay(afterRunning: .seconds(1)) }
        #expect(backoff.delay(afterRunning: .seconds(59)) == .seconds(16))
        #expect(backoff.delay(afterRunning: .seconds(60)) == .milliseconds(500))
        #expect(backoff.delay(afterRunning: .milliseconds(10)) == .seconds(1))
        #expect(backoff.delay(afterRunning: .seconds(3600)) == .milliseconds(500))
    }

    @Test func theTimeIsVietnamTime() {
        // 2025-10-10 08:42:59 UTC is 15:42 in Vietnam (UTC+7).
        let notice = RestartNotice(count: 1, time: Date(timeIntervalSince1970: 1_760_085_779))
        #expect(notice.clockText == "15:42")
        // 17:05 UTC is 00:05 the next day there.
        #expect(RestartNotice(count: 1, time: Date(timeIntervalSince1970: 1_760_115_900)).clockText == "00:05")
    }

    private func renderer(_ restart: RestartNotice?) throws -> ScreenRenderer {
        ScreenRenderer(text: try Fixtures.text(), event: try Fixtures.event(), restart: restart)
    }

    @Test func theWelcomeFooterAndTheStatusScreenShowTheRestart() throws {
        let renderer = try renderer(RestartNotice(count: 2, time: Date(timeIntervalSince1970: 1_760_085_779)))
        var driver = Driver(KioskFlowAttendantTests.flow())
        let footer = try #require(renderer.plain(driver.flow, columns: 100, lines: 30).last)
        #expect(footer.contains("Nhấn Enter để bắt đầu"))
        #expect(footer.contains("Màn hình đã khởi động lại 2 lần, lần cuối lúc 15:42"))
        driver.press(.tab)
        #expect(
            renderer.plain(driver.flow, columns: 100, lines: 30).last?.contains(
                "The screen restarted 2×, last at 15:42") == true)
        driver.press(.tab)

        // Not on a signer's screens.
        driver.press(.enter)
        #expect(!renderer.plain(driver.flow).joined().contains("khởi động lại"))
        driver.press(.escape)

        driver.press(.interrupt)
        driver.type("2468")
        driver.press(.enter, .text("3"), .enter)
        #expect(driver.flow.screen == .status)
        let status = renderer.plain(driver.flow).joined(separator: "\n")
        #expect(status.contains("Màn hình đã khởi động lại 2 lần, lần cuối lúc 15:42"))
    }

    @Test func aNarrowFooterKeepsTheLinkMarkAndNothingWithoutARestart() throws {
        let restarted = try renderer(RestartNotice(count: 1, time: Date(timeIntervalSince1970: 0)))
        var driver = Driver()
        driver.send(.link(online: false, waiting: 3))
        let wide = try #require(restarted.plain(driver.flow, columns: 120, lines: 30).last)
        #expect(wide.contains("Màn hình đã khởi động lại 1 lần, lần cuối lúc 07:00 · ngoại tuyến · 3 chờ gửi"))
        let narrow = try #require(restarted.plain(driver.flow, columns: 80, lines: 24).last)
        #expect(narrow.contains("ngoại tuyến · 3 chờ gửi"))
        #expect(!narrow.contains("khởi động lại"))

        let never = try renderer(nil)
        #expect(!never.plain(driver.flow, columns: 120, lines: 30).joined().contains("khởi động lại"))
    }

    /// The guard's decision: a first start killed by a signal before its screen was up restarts (a
    /// breaker's kill -9 at that moment left a shell); a first start that exits with an error ends.
    @Test func onlyTheQuitATerminationOrAFirstStartThatExitsEndTheGuard() {
        func ends(quit: Bool = false, terminated: Bool = false, gone: Bool = false, ready: Bool, signal: Bool) -> Bool {
            RestartPolicy.ends(
                quit: quit, terminated: terminated, terminalGone: gone, everReady: ready, killedBySignal: signal)
        }
        #expect(!ends(ready: false, signal: true), "killed before its first screen: a crash")
        #expect(ends(ready: false, signal: false), "a first start that exits: the operator's to fix")
        #expect(!ends(ready: true, signal: false), "an exit after the screen was up: a crash")
        #expect(!ends(ready: true, signal: true))
        #expect(ends(quit: true, ready: true, signal: false))
        #expect(ends(terminated: true, ready: true, signal: true))
        #expect(ends(gone: true, ready: true, signal: true))
    }
}
