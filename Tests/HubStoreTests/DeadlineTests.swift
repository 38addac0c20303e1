import Foundation
import HubCore
import KioskTestSupport
import Logging
import NIOPosix
import PledgeKit
import PostgresNIO
import Synchronization
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

    @Test("A server that stops during a call is noticed at a later question, not at the deadline")
    func aServerThatStopsDuringACallIsNoticed() async throws {
        // A listener stands in for the server: the reachability question is a TCP connect.
        let accepted = Mutex(0)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.withLock { $0 += 1 }
                return channel.close()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let reachability = DatabaseReachability(
            try HubStoreConfiguration(url: "postgres://hub@127.0.0.1:\(port)/hub", environment: [:]))
        let gate = Gate()
        let call = Task {
            try await HubStore.withDeadline(.seconds(300), reachability: reachability) { await gate.wait() }
        }
        // The first question is answered "accepts"; then the server goes away.
        try await waitUntil("the first question") { accepted.withLock { $0 } >= 1 }
        try await server.close()
        await #expect(throws: DatabaseRefused.self) { try await call.value }
        gate.open()
    }

    @Test func aCancelledCallerIsAnsweredAtOnce() async throws {
        let gate = Gate()
        let call = Task { try await HubStore.withDeadline(.seconds(600)) { await gate.wait() } }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        gate.open()
    }
}
