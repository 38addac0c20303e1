import Foundation
import Testing

@testable import PledgeKit

@Suite("The retention rule: when a purge may run")
struct RetentionDecisionTests {
    /// 2026-01-11 00:00 at UTC+7: the end of retainPersonalDataUntil 2026-01-10.
    let deadline = Date(timeIntervalSince1970: 1_768_064_400)
    let hour: TimeInterval = 3600
    var lastPledge: Date { deadline.addingTimeInterval(-90 * 24 * hour) }

    @Test func beforeTheDeadlineNothingIsDue() {
        #expect(
            RetentionDecision(now: deadline.addingTimeInterval(-1), deadline: deadline, newestPledge: lastPledge)
                == .notYet)
        #expect(RetentionDecision(now: lastPledge, deadline: deadline, newestPledge: nil) == .notYet)
    }

    @Test func withinADayAfterTheDeadlineItPurges() {
        for offset in [0, 1, 12 * hour, 24 * hour] {
            let now = deadline.addingTimeInterval(offset)
            #expect(RetentionDecision(now: now, deadline: deadline, newestPledge: lastPledge) == .purge, "\(offset)")
            #expect(RetentionDecision(now: now, deadline: deadline, newestPledge: nil) == .purge, "\(offset)")
            // A pledge made at this very moment is not after the clock.
            #expect(RetentionDecision(now: now, deadline: deadline, newestPledge: now) == .purge, "\(offset)")
        }
    }

    @Test func aClockEarlierThanTheNewestPledgeIsWrong() {
        // Past the deadline by the clock, but a pledge was made later than "now": the clock went back.
        let newest = deadline.addingTimeInterval(5 * hour)
        let now = deadline.addingTimeInterval(2 * hour)
        #expect(
            RetentionDecision(now: now, deadline: deadline, newestPledge: newest)
                == .clockBeforeNewestPledge(newest: newest))
        // Also when it is long past the deadline: a wrong clock is never confirmed away.
        let later = deadline.addingTimeInterval(400 * 24 * hour)
        #expect(
            RetentionDecision(now: later, deadline: deadline, newestPledge: later.addingTimeInterval(1))
                == .clockBeforeNewestPledge(newest: later.addingTimeInterval(1)))
    }

    @Test func moreThanADayPastTheDeadlineNeedsConfirmation() {
        #expect(
            RetentionDecision(
                now: deadline.addingTimeInterval(24 * hour + 1), deadline: deadline, newestPledge: lastPledge)
                == .needsConfirmation(daysPastDeadline: 1))
        // The case of issue 11: a clock 400 days ahead.
        #expect(
            RetentionDecision(
                now: deadline.addingTimeInterval(400 * 24 * hour), deadline: deadline, newestPledge: lastPledge)
                == .needsConfirmation(daysPastDeadline: 400))
    }

    /// A pledge recorded under a clock 1000 days ahead would otherwise stop every purge for good.
    @Test func aPersonWhoSaysTheClockIsRightOverridesAPledgeDatedInTheFuture() {
        let future = deadline.addingTimeInterval(1000 * 24 * hour)
        let now = deadline.addingTimeInterval(2 * hour)
        #expect(
            RetentionDecision(now: now, deadline: deadline, newestPledge: future)
                == .clockBeforeNewestPledge(newest: future))
        #expect(RetentionDecision(now: now, deadline: deadline, newestPledge: future, clockIsRight: true) == .purge)
        // The rest of the rule still holds: more than a day past the deadline still needs confirmation,
        let later = deadline.addingTimeInterval(10 * 24 * hour)
        #expect(
            RetentionDecision(now: later, deadline: deadline, newestPledge: future, clockIsRight: true)
                == .needsConfirmation(daysPastDeadline: 10))
        // and before the deadline nothing is due.
        #expect(
            RetentionDecision(
                now: deadline.addingTimeInterval(-1), deadline: deadline, newestPledge: future, clockIsRight: true)
                == .notYet)
    }
}
