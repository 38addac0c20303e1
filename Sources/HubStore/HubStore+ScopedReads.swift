import Foundation
import HubCore
import KioskAPI
import Logging
import PledgeExport
import PledgeKit
import PostgresNIO

/// What an organizer reads within a scope (``HubOrganizerRecords``): counts, events, export rows.
/// The scope is a condition of each statement over `hub_event e` (``scopeCondition(_:)``), so
/// nothing outside it is ever read.
extension HubStore {
    /// The SQL condition on `e` (hub_event) of the events in `scope`; its value, if any, is
    /// appended to `binds` and named by its placeholder.
    static func scopeCondition(_ scope: OrganizerScope, binding binds: inout PostgresBindings) -> String {
        switch scope {
        case .national:
            return "true"
        case .province(let province):
            // Not the online pledges' pseudo-event, which belongs to no province (its row names
            // one only because the column needs one): only national accounts see it.
            binds.append(province.name)
            binds.append(HubEvent.onlineID.rawValue)
            return "(e.province = $\(binds.count - 1) AND e.id <> $\(binds.count))"
        case .event(let id):
            binds.append(id.rawValue)
            return "e.id = $\(binds.count)"
        }
    }

    /// The dimensions `hub_tally` holds.
    static let tallied: Set<CountDimension> = [.event, .day, .ageBand, .province, .channel]

    /// The statement of a breakdown in `scope`: from the counter table (``tallyTable(_:)``,
    /// ``tallyColumn(_:)``) when it
    /// holds every dimension asked, which every insert of pledges keeps; grouping the pledges
    /// (``pledgeColumn(_:)``) otherwise (kiosk, hour).
    static func breakdownQuery(_ dimensions: [CountDimension], scope: OrganizerScope) -> PostgresQuery {
        let groups = dimensions.isEmpty ? "()" : (1...dimensions.count).map(String.init).joined(separator: ", ")
        let fromTally = Set(dimensions).isSubset(of: tallied)
        let columns =
            dimensions.map(fromTally ? tallyColumn : pledgeColumn) + [fromTally ? "sum(count)" : "count(*)"]
        var binds = PostgresBindings()
        let condition = scopeCondition(scope, binding: &binds)
        return PostgresQuery(
            unsafeSQL: """
                SELECT \(columns.joined(separator: ", "))::int8 FROM \(fromTally ? tallyTable(dimensions) : "hub_pledge")
                WHERE event_id IN (SELECT e.id FROM hub_event e WHERE \(condition))
                GROUP BY \(groups) HAVING \(columns.last!) > 0
                """, binds: binds)
    }

    public func breakdown(by dimensions: [CountDimension], scope: OrganizerScope) async throws(HubError) -> Breakdown {
        let logger = logger
        let query = Self.breakdownQuery(dimensions, scope: scope)
        let rows = try await call("read scoped counts") { connection in
            try await Self.rows(query, on: connection, logger: logger)
        }
        var buckets: [Breakdown.Bucket] = []
        do {
            for row in rows {
                let cells = row.makeRandomAccess()
                let values = try (0..<dimensions.count).map { try cells[$0].decode(String.self) }
                buckets.append(Breakdown.Bucket(values: values, count: try cells[dimensions.count].decode(Int.self)))
            }
        } catch {
            throw HubError.unreadable
        }
        // Every dimension is a function of each pledge: the buckets add up to the total.
        let total = buckets.reduce(0) { $0 + $1.count }
        if dimensions.isEmpty { return Breakdown(dimensions: [], total: total, buckets: []) }
        buckets.sort(by: BucketOrder(dimensions: dimensions).precedes)
        return Breakdown(dimensions: dimensions, total: total, buckets: buckets)
    }

    public func eventStatuses(scope: OrganizerScope) async throws(HubError) -> [HubEventStatus] {
        let logger = logger
        var binds = PostgresBindings()
        let condition = Self.scopeCondition(scope, binding: &binds)
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT e.id, e.name, e.province, e.date::text,
                    coalesce((SELECT sum(t.count) FROM hub_kiosk_tally t WHERE t.event_id = e.id), 0)::int8,
                    e.last_sequence, e.held_rows, e.last_sync_at
                FROM hub_event e WHERE \(condition)
                """, binds: binds)
        let rows = try await call("read scoped events") { connection in
            try await Self.rows(query, on: connection, logger: logger)
        }
        // Provinces in the order of the 2025 resolution (as breakdowns list them), then by id.
        let rank = Dictionary(uniqueKeysWithValues: Province.all.enumerated().map { ($0.element.name, $0.offset) })
        do {
            return try rows.map {
                let (id, name, province, date, pledges, acknowledged, held, lastSync) = try $0.decode(
                    (String, String, String, String, Int, Int, Int, Date?).self)
                return HubEventStatus(
                    event: id, name: name, province: province, date: date, pledges: pledges,
                    acknowledged: acknowledged, heldRows: held, lastSyncAt: lastSync.map(SyncBatch.text))
            }.sorted { (rank[$0.province] ?? rank.count, $0.event) < (rank[$1.province] ?? rank.count, $1.event) }
        } catch {
            throw HubError.unreadable
        }
    }

    public func exportRows(scope: OrganizerScope) -> any ExportRows {
        ScopedExportRows(store: self, scope: scope)
    }

    /// One page of the pledges of the events in `scope` after `stored` (the keyset of
    /// hub_pledge.stored), without personal data. The scope's events are read once per page (an
    /// init plan), so a page is a walk of the `stored` index from the cursor on, whatever the
    /// planner thinks of a join (EXPLAIN ANALYZE, 300,000 pledges: 2 ms a page of 5,000).
    func exportRows(scope: OrganizerScope, after stored: Int64, limit: Int) async throws(HubError) -> [PostgresRow] {
        let logger = logger
        var binds = PostgresBindings()
        let condition = Self.scopeCondition(scope, binding: &binds)
        binds.append(stored)
        let after = binds.count
        binds.append(limit)
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT p.stored, p.number, p.event_id, p.kiosk_id, floor(extract(epoch FROM p.created_at))::int8,
                    p.age_band, p.province, p.guardian_consent
                FROM hub_pledge p
                WHERE p.event_id = ANY(ARRAY(SELECT e.id FROM hub_event e WHERE \(condition)))
                    AND p.stored > $\(after) ORDER BY p.stored LIMIT $\(after + 1)
                """, binds: binds)
        return try await call("read export page") { connection in
            try await Self.rows(query, on: connection, logger: logger)
        }
    }
}

/// The pledges of the events in a scope, as ``Exporter`` reads them (``ExportRows``): pages of
/// ``Exporter/pageSize`` in the order they were stored, each one statement within the store's
/// deadline; no name, no code (the hub's exports carry no personal data).
struct ScopedExportRows: ExportRows {
    let store: HubStore
    let scope: OrganizerScope

    func breakdown(by dimensions: [CountDimension]) async throws(PledgeError) -> Breakdown {
        do { return try await store.breakdown(by: dimensions, scope: scope) } catch {
            throw PledgeError(.unavailable, vi: error.message.vi, en: error.message.en)
        }
    }

    func exportPage<Output: Sendable>(
        after cursor: Int64?, limit: Int, includePersonalData: Bool, into output: Output,
        _ append: @Sendable (inout Output, ExportRecord) -> Void
    ) async throws(PledgeError) -> ExportPage<Output> {
        let rows: [PostgresRow]
        do { rows = try await store.exportRows(scope: scope, after: cursor ?? 0, limit: limit) } catch {
            throw PledgeError(.unavailable, vi: error.message.vi, en: error.message.en)
        }
        var output = output
        var last: Int64 = cursor ?? 0
        var bytes: [UInt8] = []
        do {
            for row in rows {
                let cells = row.makeRandomAccess()
                let (stored, number, createdAt, consent) = (
                    try cells[0].decode(Int64.self), try cells[1].decode(Int.self), try cells[4].decode(Int.self),
                    try cells[7].decode(Bool.self)
                )
                last = stored
                // The text columns' UTF-8 (binary format), in one buffer: no String per field.
                bytes.removeAll(keepingCapacity: true)
                var ranges: [Range<Int>?] = []
                for index in [2, 3, 5, 6] {
                    guard let buffer = cells[index].bytes else {
                        ranges.append(nil)
                        continue
                    }
                    let start = bytes.count
                    bytes.append(contentsOf: buffer.readableBytesView)
                    ranges.append(start..<bytes.count)
                }
                guard let event = ranges[0], let kiosk = ranges[1], let band = ranges[2] else {
                    throw HubError.unreadable
                }
                bytes.withUnsafeBufferPointer { all in
                    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
                        UnsafeBufferPointer(rebasing: all[range])
                    }
                    append(
                        &output,
                        ExportRecord(
                            number: number, eventID: slice(event), kioskID: slice(kiosk), createdAt: createdAt,
                            ageBand: slice(band), province: ranges[3].map(slice), guardianConsent: consent))
                }
            }
        } catch {
            throw PledgeError(
                .unavailable, vi: HubError.unreadable.message.vi, en: HubError.unreadable.message.en)
        }
        return ExportPage(output: output, rows: rows.count, next: rows.count < limit ? nil : last)
    }
}
