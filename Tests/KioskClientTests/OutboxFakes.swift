import Foundation
import KioskClient
import Logging
import PledgeKit
import Synchronization

/// A monotonic clock that moves only when a test moves it.
final class FakeTime: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex(Duration.zero)

    func now() -> ContinuousClock.Instant { start + offset.withLock { $0 } }

    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

/// The service as the outbox sees it: answers scripted per idempotency key (a key with no
/// script left is recorded with the next number), every upload noted in order.
final class FakeService: KioskServiceClient {
    struct State {
        var script: [String: [UploadOutcome]] = [:]
        var uploads: [String] = []
        var signedAt: [String: Date] = [:]
        var number = 0
        var heartbeat: KioskConfigAnswer? = KioskConfigAnswer(
            certificateBaseURL: "http://10.0.0.2:8080", eventID: "test-event")
        var beats: [KioskHeartbeat] = []
    }

    let baseURL = URL(string: "http://10.0.0.2:8080")!
    private let state = Mutex(State())

    /// The next uploads of `key` answer these, in order.
    func script(_ key: String, _ outcomes: UploadOutcome...) {
        state.withLock { $0.script[key, default: []] += outcomes }
    }

    /// Heartbeats get this answer (nil: the service cannot be reached).
    func answerHeartbeats(_ answer: KioskConfigAnswer?) { state.withLock { $0.heartbeat = answer } }

    /// The idempotency keys uploaded, in order (retries too).
    var uploads: [String] { state.withLock { $0.uploads } }
    var beats: [KioskHeartbeat] { state.withLock { $0.beats } }
    func signedAt(_ key: String) -> Date? { state.withLock { $0.signedAt[key] } }

    func record(_ draft: PledgeDraft, key: IdempotencyKey, code: CertificateCode) async -> UploadOutcome {
        state.withLock { state in
            state.uploads.append(key.rawValue)
            state.signedAt[key.rawValue] = draft.signedAt
            if var queued = state.script[key.rawValue], !queued.isEmpty {
                let next = queued.removeFirst()
                state.script[key.rawValue] = queued
                return next
            }
            state.number += 1
            return .recorded(
                PledgeReceipt(
                    id: UUID(), number: state.number, code: code, certificateUrl: "http://10.0.0.2:8080/C/\(code)"))
        }
    }

    func heartbeat(_ beat: KioskHeartbeat) async -> KioskConfigAnswer? {
        state.withLock { state in
            state.beats.append(beat)
            return state.heartbeat
        }
    }

    func counts() async -> PledgeCounts? { PledgeCounts(total: 7, byAgeBand: [:], byProvince: [:]) }
}

/// An outbox in memory, with the same contract as the SQLite one: entries in order of entry,
/// a removed one gone for good.
actor FakeOutbox: PledgeOutbox {
    private var entries: [OutboxEntry] = []
    private var settings: [String: String] = [:]
    private var sequence: Int64 = 0

    func add(key: IdempotencyKey, draft: PledgeDraft, code: CertificateCode, at time: Date) async throws
        -> OutboxEntry
    {
        sequence += 1
        let entry = OutboxEntry(sequence: sequence, key: key, draft: draft, code: code, createdAt: time)
        entries.append(entry)
        return entry
    }

    func waiting() async throws -> [OutboxEntry] { entries }
    func unreadable() async throws -> [Int64] { [] }
    func remove(sequence: Int64) async throws { entries.removeAll { $0.sequence == sequence } }
    func waitingCount() async throws -> Int { entries.count }
    func setting(_ name: String) async throws -> String? { settings[name] }
    func setSetting(_ name: String, to value: String) async throws { settings[name] = value }

    /// The keys still waiting, in order.
    var keys: [String] { entries.map(\.key.rawValue) }
}

/// Log records kept in memory, to read what the outbox said.
final class LogRecords: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func logger() -> Logger {
        Logger(label: "outbox-test") { _ in Handler(records: self) }
    }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let records: LogRecords
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            records.append(
                Record(
                    level: event.level, message: "\(event.message)",
                    metadata: (event.metadata ?? [:]).mapValues { "\($0)" }))
        }
    }
}
