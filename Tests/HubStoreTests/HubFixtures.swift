import Foundation
import HubCore
import HubStore
import KioskAPI
import KioskTestSupport
import Logging
import PledgeKit

/// A store on a fresh database of the test cluster (``TestPostgres``), migrated.
func withTestStore<T: Sendable>(
    deadline: Duration = TestPostgres.deadline, certificateReadsInFlight: Int? = nil,
    _ body: (HubStore, TestPostgres) async throws -> T
) async throws -> T {
    try await TestPostgres.withDatabase { database in
        var configuration = try database.hubConfiguration(deadline: deadline)
        if let certificateReadsInFlight { configuration.certificateReadsInFlight = certificateReadsInFlight }
        return try await withHubStore(configuration, logger: Logger(label: "hub-store-test")) { store in
            try await body(store, database)
        }
    }
}

/// Events registered by the tests.
enum Fixtures {
    static func event(_ id: String = "ha-noi-2026", tag: String = "HN26", retainUntil: CivilDate? = nil) -> HubEvent {
        HubEvent(
            id: EventID(id)!, name: "Ngày hội Không một mình", province: Province(matching: "Hà Nội")!,
            date: CivilDate(year: 2026, month: 12, day: 6), place: "Nhà văn hóa Thanh niên", codeTag: tag,
            codeKey: Array(repeating: 7, count: 32), retainPersonalDataUntil: retainUntil)
    }

    /// Registers `event` with a token hash of its own.
    static func register(_ event: HubEvent, in store: HubStore) async throws {
        try await store.addEvent(event, tokenHash: "hash-of-\(event.id)")
    }

    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    /// A pledge row; its code is random, its time `minutes` after ``start``.
    static func pledge(
        _ sequence: Int, id: UUID = UUID(), code: CertificateCode = .random(), name: String? = "Nguyễn Thị Lan",
        ageBand: AgeBand = .from18To24, province: String? = "Huế", consent: Bool = false, minutes: Int = 0
    ) -> SyncRow {
        SyncRow(
            sequence: sequence,
            pledge: SyncPledge(
                id: id, code: code.rawValue, kiosk: "kiosk-1", number: sequence, name: name, ageBand: ageBand.rawValue,
                province: province, guardianConsent: consent,
                createdAt: SyncBatch.text(start.addingTimeInterval(Double(minutes) * 60))))
    }

    static func erasure(_ sequence: Int, code: String) -> SyncRow {
        SyncRow(sequence: sequence, erasure: SyncErasure(code: code, erasedAt: SyncBatch.text(start)))
    }

    static func purge(_ sequence: Int, beforeMinute minutes: Int) -> SyncRow {
        SyncRow(
            sequence: sequence,
            purge: SyncPurge(
                createdBefore: SyncBatch.text(start.addingTimeInterval(Double(minutes) * 60)),
                purgedAt: SyncBatch.text(start.addingTimeInterval(86_400))))
    }

    static func batch(_ rows: [SyncRow], event: HubEvent = event(), erasuresSeen: Int = 0) -> SyncBatch {
        SyncBatch(event: event.id.rawValue, rows: rows, erasuresSeen: erasuresSeen)
    }
}

extension SyncRow {
    /// The code of the pledge the row carries.
    var code: CertificateCode { CertificateCode(parsing: pledge!.code)! }
}

extension TestPostgres {
    /// The deadline of the tests' calls: long enough for the parallel run on two busy cores (a
    /// 5 s deadline was missed there); the tests of the deadline itself set short ones.
    static let deadline = Duration.seconds(120)

    /// The store's configuration for the test's database.
    func hubConfiguration(deadline: Duration = TestPostgres.deadline) throws -> HubStoreConfiguration {
        var configuration = try HubStoreConfiguration(url: url, environment: [:])
        configuration.deadline = deadline
        return configuration
    }

    /// The one number a query of the test's database answers.
    func number(_ sql: String) async throws -> Int {
        Int(try await psql(sql)) ?? -1
    }
}
