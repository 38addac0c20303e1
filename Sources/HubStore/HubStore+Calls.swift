import Foundation
import HubCore
import Logging
import PostgresNIO

extension HubStore {
    /// Runs `body` on a pooled connection within the configuration's deadline.
    ///
    /// Past the deadline the connection is closed (which ends any statement on it at once) and the
    /// call fails with `unavailable`; so does a call still waiting once the database's address
    /// refuses connections (``DatabaseReachability``), at once. A serialization failure or a
    /// deadlock is tried again while time remains. A ``HubError`` thrown by `body` passes
    /// through; any other error becomes `unavailable`, logged with its SQLSTATE only.
    func call<T: Sendable>(
        _ what: StaticString, deadline: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(HubError) -> T {
        do {
            return try await Self.attempt(
                on: client, reachability: reachability, deadline: deadline ?? configuration.deadline, body)
        } catch {
            throw failure(error, what)
        }
    }

    /// ``call(_:deadline:_:)`` on `client` (the primary's pool or the standby's), its errors as
    /// they came: ``DeadlinePassed``, ``DatabaseRefused``, a `PSQLError`, what `body` threw.
    static func attempt<T: Sendable>(
        on client: PostgresClient, reachability: DatabaseReachability, deadline: Duration,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withDeadline(deadline, reachability: reachability) { try await retrying(on: client, body) }
    }

    /// `body` on a pooled connection, tried again after a serialization failure or a deadlock (at
    /// most three times); cancelling the task closes the connection, which ends any statement on it.
    static func retrying<T: Sendable>(
        on client: PostgresClient, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    try await withTaskCancellationHandler {
                        try await body(connection)
                    } onCancel: {
                        let _: EventLoopFuture<Void> = connection.close()
                    }
                }
            } catch let error as PSQLError where Self.isRetryable(error) && attempt < 3 {
                attempt += 1
            }
        }
    }

    /// What `body` returns, or ``DeadlinePassed`` once `deadline` has passed, or
    /// ``DatabaseRefused`` once `reachability` (asked after ``DatabaseReachability/askAfter``, then
    /// each time its answer is stale) answers refused, or `CancellationError` once the caller is cancelled: whichever comes
    /// first. `body` is then cancelled and left to end on its own, so a call never waits on work
    /// that does not heed cancellation (a task group would await it: a test run hung there).
    static func withDeadline<T: Sendable>(
        _ deadline: Duration, reachability: DatabaseReachability? = nil,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = CallOutcome<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.start(continuation)
                outcome.add(
                    Task {
                        do {
                            outcome.resolve(.success(try await body()))
                        } catch {
                            outcome.resolve(.failure(error))
                        }
                    })
                // One timer task for the deadline and, past askAfter, the reachability question
                // (a second task and timer on every call was a measurable part of a first view).
                let clock = ContinuousClock()
                let end = clock.now.advanced(by: deadline)
                outcome.add(
                    Task {
                        if let reachability, DatabaseReachability.askAfter < deadline {
                            guard (try? await Task.sleep(for: DatabaseReachability.askAfter)) != nil else { return }
                            // Its own task: a probe may take its connect timeout, past the deadline.
                            // Asked again each time the answer goes stale: an "accepts" recorded
                            // just before the server stopped would otherwise hold the call to its
                            // deadline (HubSetupTests saw a 503 take the full 5 s under load).
                            outcome.add(
                                Task {
                                    while await reachability.answer() != .refused {
                                        let stale = DatabaseReachability.freshFor
                                        guard (try? await Task.sleep(for: stale)) != nil else { return }
                                    }
                                    outcome.resolve(.failure(DatabaseRefused()))
                                })
                        }
                        guard (try? await clock.sleep(until: end)) != nil else { return }
                        outcome.resolve(.failure(DeadlinePassed()))
                    })
            }
        } onCancel: {
            outcome.resolve(.failure(CancellationError()))
        }
    }

    /// Runs `body` in one transaction on `connection`: committed when it returns, rolled back when
    /// it throws (and the connection closed when even the rollback fails). With `snapshot`, a
    /// read-only transaction at `REPEATABLE READ`: every statement of it sees one snapshot.
    static func transaction<T: Sendable>(
        _ connection: PostgresConnection, logger: Logger, snapshot: Bool = false, _ body: () async throws -> T
    ) async throws -> T {
        // The modes in BEGIN itself: one round trip fewer than a SET TRANSACTION after it.
        try await execute(
            snapshot ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "BEGIN", on: connection, logger: logger)
        let value: T
        do {
            value = try await body()
        } catch {
            do {
                try await execute("ROLLBACK", on: connection, logger: logger)
            } catch {
                let _: EventLoopFuture<Void> = connection.close()
            }
            throw error
        }
        try await execute("COMMIT", on: connection, logger: logger)
        return value
    }

    /// Runs a statement and reads every row it returns.
    static func rows(
        _ query: PostgresQuery, on connection: PostgresConnection, logger: Logger
    ) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    /// Runs a statement that returns no row worth reading.
    static func execute(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws {
        for try await _ in try await connection.query(query, logger: logger) {}
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        // serialization_failure, deadlock_detected (PostgreSQL, Appendix A).
        ["40001", "40P01"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    /// The ``HubError`` for what went wrong in a call.
    func failure(_ error: any Error, _ what: StaticString) -> HubError {
        if let error = error as? HubError { return error }
        if error is DeadlinePassed {
            logger.warning("hub database call timed out", metadata: ["hub.call": "\(what)"])
            return Self.unavailable
        }
        if error is DatabaseRefused {
            logger.warning("hub database refused the connection", metadata: ["hub.call": "\(what)"])
            return Self.unreachable
        }
        let sqlState = (error as? PSQLError)?.serverInfo?[.sqlState]
        logger.error(
            "hub database call failed",
            metadata: [
                "hub.call": "\(what)", "postgres.sqlstate": "\(sqlState ?? "-")",
                "postgres.error": "\((error as? PSQLError)?.code.description ?? String(describing: type(of: error)))",
            ])
        return Self.unavailable
    }

    static let unavailable = HubError(
        .unavailable,
        vi: "Cơ sở dữ liệu của hub không trả lời kịp lúc này. Vui lòng thử lại sau.",
        en: "The hub's database did not answer in time. Please try again later.")
}

/// The call's deadline passed before the database answered.
struct DeadlinePassed: Error {}

/// The first of a call's outcomes (its result, its deadline, its caller's cancellation): it
/// resumes the caller and cancels the call's tasks; later ones are dropped.
final class CallOutcome<T: Sendable>: @unchecked Sendable {
    // Guards every member below.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    /// An outcome that came before the caller waited (a caller cancelled at once).
    private var early: Result<T, any Error>?
    private var resolved = false
    private var tasks: [Task<Void, Never>] = []

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early {
            lock.unlock()
            continuation.resume(with: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    /// Adds a task the outcome cancels; cancels it at once when the outcome is known.
    func add(_ task: Task<Void, Never>) {
        lock.lock()
        let cancel = resolved
        if !cancel { tasks.append(task) }
        lock.unlock()
        if cancel { task.cancel() }
    }

    func resolve(_ result: Result<T, any Error>) {
        lock.lock()
        guard !resolved else {
            lock.unlock()
            return
        }
        resolved = true
        let continuation = continuation
        self.continuation = nil
        if continuation == nil { early = result }
        let tasks = tasks
        self.tasks = []
        lock.unlock()
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
