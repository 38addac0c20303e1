import Foundation
import HubCore
import Logging
import PledgeKit
import PostgresNIO

extension HubStore {
    public func addEvent(_ event: HubEvent, tokenHash: String) async throws(HubError) {
        guard !event.isOnline else {
            throw HubError(
                .eventExists, vi: "Mã sự kiện '\(event.id)' dành cho cam kết trực tuyến ở hub; hãy chọn mã khác.",
                en: "The event id '\(event.id)' is reserved for the hub's online pledges; pick another.")
        }
        let logger = logger
        try await call("add event") { connection in
            do {
                try await Self.execute(
                    """
                    INSERT INTO hub_event (id, name, province, date, place, code_tag, code_key, token_hash, retain_until)
                    VALUES (\(event.id.rawValue), \(event.name), \(event.province.name), \(event.date.description)::date,
                            \(event.place), \(event.codeTag), \(ByteBuffer(bytes: event.codeKey)), \(tokenHash),
                            \(event.retainPersonalDataUntil?.description)::date)
                    """, on: connection, logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw Self.duplicate(event, constraint: error.serverInfo?[.constraintName])
            }
        }
    }

    /// What an event that breaks a unique constraint of hub_event clashes with.
    static func duplicate(_ event: HubEvent, constraint: String?) -> HubError {
        switch constraint {
        case "hub_event_code_tag_key":
            HubError(
                .codeTagTaken, vi: "Mã thẻ '\(event.codeTag)' đã thuộc về một sự kiện khác ở hub; hãy chọn mã khác.",
                en: "The code tag '\(event.codeTag)' already belongs to another event at the hub; pick another.")
        case "hub_event_token_hash_key":
            HubError(
                .eventExists, vi: "Mã đồng bộ này đã được đăng ký cho một sự kiện khác.",
                en: "This sync token is already registered for another event.")
        default:
            HubError(
                .eventExists, vi: "Hub đã có sự kiện '\(event.id)'.", en: "The hub already has the event '\(event.id)'."
            )
        }
    }

    public func event(tokenHash: String) async throws(HubError) -> HubEvent? {
        try await event(where: "token_hash", is: tokenHash)
    }

    public func event(id: EventID) async throws(HubError) -> HubEvent? {
        try await event(where: "id", is: id.rawValue)
    }

    public func event(codeTag: String) async throws(HubError) -> HubEvent? {
        try await event(where: "code_tag", is: codeTag)
    }

    /// The event whose `column` (a unique column of hub_event) is `value`: from the standby when
    /// there is one and it has replayed every change this process knows of (as certificate
    /// reads), else, or when it lacks the event (one just added), from the primary. A certificate
    /// page needs its event: read from the primary alone, every page failed while the primary was
    /// down although the standby held both the pledge and its event (a breaker's finding).
    private func event(where column: StaticString, is value: String) async throws(HubError) -> HubEvent? {
        let logger = logger
        let select = "SELECT \(Self.eventColumns) FROM hub_event WHERE \(column) ="
        var rows: [PostgresRow] = []
        if let standby {
            let replayed = standby.replayedThrough
            rows =
                await readFromStandby("read event", deadline: configuration.deadline) { connection in
                    try await Self.rows(
                        "\(unescaped: select) \(value) AND pg_last_wal_replay_lsn() >= \(replayed)::pg_lsn",
                        on: connection, logger: logger)
                } ?? []
        }
        if rows.isEmpty {
            rows = try await call("read event") { connection in
                try await Self.rows("\(unescaped: select) \(value)", on: connection, logger: logger)
            }
        }
        guard let row = rows.first else { return nil }
        return try Self.event(row)
    }

    /// The columns ``event(_:)`` reads, in its order.
    static let eventColumns = "id, name, province, date::text, place, code_tag, code_key, retain_until::text"

    /// An event from a row of ``eventColumns``.
    static func event(_ row: PostgresRow) throws(HubError) -> HubEvent {
        do {
            let columns = Array(row.makeRandomAccess())
            func text(_ index: Int) throws -> String? { try columns[index].decode(String?.self) }
            guard let id = EventID(rawValue: try text(0) ?? ""), let name = try text(1),
                let province = Province(matching: try text(2) ?? ""), let date = CivilDate(try text(3) ?? ""),
                let place = try text(4), let tag = try text(5)
            else { throw HubError.unreadable }
            let key = try columns[6].decode(ByteBuffer.self)
            let retainUntil = try text(7).flatMap { CivilDate($0) }
            return HubEvent(
                id: id, name: name, province: province, date: date, place: place, codeTag: tag,
                codeKey: Array(key.readableBytesView), retainPersonalDataUntil: retainUntil)
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.unreadable
        }
    }
}

extension HubError {
    /// A row the hub stored reads back as something else (a bug or a hand edit of the database).
    static let unreadable = HubError(
        .unavailable,
        vi: "Hub đọc được một dòng dữ liệu không hợp lệ. Vui lòng báo cho người quản trị.",
        en: "The hub read a record it cannot understand. Please tell the administrator.")
}
