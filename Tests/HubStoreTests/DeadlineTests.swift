import Foundation
import HubCore
import KioskTestSupport
import Logging
import PledgeKit
import PostgresNIO
import Testing

@testable import HubStore

/// Every call of the store ends by its deadline, whatever its work does.
@Suite struct DeadlineTests {
    /// A continuation the test resumes at its end (so no task is left behind).
    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var waiting: CheckedContinuation<Void, Never>?
        private var opened = false

        func wait() async {
            await withCheckedContinuation { continuation in
                lock.lock()
                if opened {
                    lock.unlock()
                    continuation.resume()
                } else {
                    waiting = continuation
                    lock.unlock()
                }
            }
        }

        func open() {
            lock.lock()
            opened = true
            let waiting = waiting
            self.waiting = nil
            lock.unlock()
            waiting?.resume()
        }
    }

    @Test func aCallEndsAtItsDeadlineEvenIfItsWorkIgnoresCancellation() async throws {
        let gate = Gate()
        // Work that heeds no cancellation (a continuation nobody resumes until the gate opens).
        await #expect(throws: DeadlinePassed.self) {
            try await HubStore.withDeadline(.milliseconds(200)) { await gate.wait() }
        }
        gate.open()
    }

    @Test func aCallThatFinishesInTimeGivesItsResultOrItsError() async throws {
        #expect(try await HubStore.withDeadline(.seconds(600)) { 42 } == 42)
        await #expect(throws: CancellationError.self) {
            try await HubStore.withDeadline(.seconds(600)) { throw CancellationError() }
        }
    }

    @Test func aSlowStatementOnAServerThatAcceptsGetsItsWholeDeadline() async throws {
        try await withTestStore { store, _ in
            let logger = Logger(label: "hub-store-test")
            let asked = ContinuousClock.now
            // Past DatabaseReachability.askAfter the call asks, and the server accepts: only the
            // deadline ends it (the server's statement_timeout is the store's longer one).
            let error = await #expect(throws: HubError.self) {
                try await store.call("sleep", deadline: .seconds(1)) { connection in
                    try await HubStore.execute("SELECT pg_sleep(30)", on: connection, logger: logger)
                }
            }
            #expect(ContinuousClock.now - asked >= .seconds(1))
            #expect(error?.message.en == "The hub's database did not answer in time. Please try again later.")
        }
    }

    @Test func aCancelledCallerIsAnsweredAtOnce() async throws {
        let gate = Gate()
        let call = Task { try await HubStore.withDeadline(.seconds(600)) { await gate.wait() } }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        gate.open()
    }
}
