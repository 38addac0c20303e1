import Foundation
import HubCore
import KioskAPI
import PledgeKit

/// A batch checked against the sync protocol's rules, in the form the store writes: every row
/// valid, pledges once each. Its changes commute (an erasure or a purge applies to the pledges
/// before it and after it alike), so the store writes them kind by kind, not row by row.
struct SyncPlan: Sendable {
    /// A row refusal's words, Vietnamese then English (what the event's organizer reads).
    static let notThisEventsCode =
        "không phải mã giấy chứng nhận của sự kiện này · not a certificate code of this event"
    static let notADateTime = "không phải thời điểm theo RFC 3339 · not an RFC 3339 date-time"

    struct PlannedPledge: Sendable, Equatable {
        var sequence: Int
        var id: UUID
        var code: String
        var kiosk: String
        var number: Int
        /// Normalized (NFC) by PledgeDraft's rules; nil when anonymous or erased at the event.
        var name: String?
        var ageBand: String
        /// The province's canonical name, nil when none was given.
        var province: String?
        var guardianConsent: Bool
        var createdAt: Date

        /// Whether two rows carry the same pledge (an event may send one twice).
        func isSame(as other: PlannedPledge) -> Bool {
            var other = other
            other.sequence = sequence
            return self == other
        }
    }

    var firstSequence: Int?
    var lastSequence: Int?
    var pledges: [PlannedPledge] = []
    var erasures: [(code: String, erasedAt: Date)] = []
    /// The latest `createdBefore` of the batch's purges.
    var purgedBefore: Date?
    var held: [(sequence: Int, reason: String)] = []

    /// The most characters of a held row's reason the hub keeps.
    static let reasonLength = 500

    /// The plan of `batch`, sent by `event`.
    /// - Throws: ``HubError`` `rows-refused` listing every row that breaks a rule (the batch is
    ///   then applied not at all).
    /// - Parameter now: the hub's clock (a pledge more than ``clockSlack`` ahead of it is refused).
    init(_ batch: SyncBatch, from event: HubEvent, now: Date = Date()) throws(HubError) {
        var refused: [SyncRefusedRow] = []
        var byID: [UUID: PlannedPledge] = [:]
        var byCode: [String: UUID] = [:]
        firstSequence = batch.rows.first?.sequence
        lastSequence = batch.rows.last?.sequence
        for (index, row) in batch.rows.enumerated() {
            func refuse(_ field: String?, _ detail: String) {
                refused.append(SyncRefusedRow(sequence: row.sequence, field: field, detail: detail))
            }
            guard (1...SyncBatch.maximumSequence).contains(row.sequence) else {
                refuse("sequence", "số thứ tự từ 1 đến 2^53 · a sequence is from 1 to 2^53")
                continue
            }
            // The first row's sequence is in range too (else it was refused above): no overflow.
            if let first = firstSequence, first <= SyncBatch.maximumSequence, row.sequence != first + index {
                refuse(
                    "sequence",
                    "các số thứ tự trong một lô phải liên tiếp, đáng lẽ là \(first + index) · "
                        + "sequences in a batch are consecutive: expected \(first + index)")
                continue
            }
            guard row.isWellFormed else {
                refuse(
                    nil,
                    "mỗi dòng mang đúng một trong pledge, erasure, purge, held · "
                        + "a row carries exactly one of pledge, erasure, purge, held")
                continue
            }
            if let pledge = row.pledge {
                do {
                    let planned = try Self.plan(pledge, sequence: row.sequence, from: event, now: now)
                    if let earlier = byID[planned.id] {
                        if !earlier.isSame(as: planned) {
                            refuse(
                                "id",
                                "một lời cam kết khác trong lô có id này · another pledge of this batch has this id")
                        }
                    } else if byCode[planned.code] != nil {
                        refuse(
                            "code",
                            "một lời cam kết khác trong lô có mã này · another pledge of this batch has this code")
                    } else {
                        byID[planned.id] = planned
                        byCode[planned.code] = planned.id
                        pledges.append(planned)
                    }
                } catch {
                    refused.append(error.row)
                }
            } else if let erasure = row.erasure {
                guard let code = Self.code(erasure.code, of: event) else {
                    refuse("code", Self.notThisEventsCode)
                    continue
                }
                guard let erasedAt = SyncBatch.date(erasure.erasedAt) else {
                    refuse("erasedAt", Self.notADateTime)
                    continue
                }
                erasures.append((code, erasedAt))
            } else if let purge = row.purge {
                guard let before = SyncBatch.date(purge.createdBefore) else {
                    refuse("createdBefore", Self.notADateTime)
                    continue
                }
                guard SyncBatch.date(purge.purgedAt) != nil else {
                    refuse("purgedAt", Self.notADateTime)
                    continue
                }
                purgedBefore = max(purgedBefore ?? before, before)
            } else if let held = row.held {
                self.held.append((row.sequence, String(held.reason.prefix(Self.reasonLength))))
            }
        }
        guard refused.isEmpty else { throw HubError.rowsRefused(refused) }
    }

    /// A pledge row checked by the domain's rules: PledgeDraft's validation (name, consent),
    /// AgeBand, Province(matching:), the event's codes.
    /// No pledge of the campaign (launched 10 October 2025) is older than 2025.
    static let earliestPledge = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z
    /// How far ahead of the hub's clock a pledge's date may be (an event's clock a little fast); a
    /// date further ahead is held at the event for its organizer to see.
    static let clockSlack: TimeInterval = 86_400

    static func plan(
        _ pledge: SyncPledge, sequence: Int, from event: HubEvent, now: Date
    ) throws(RowRefusal) -> PlannedPledge {
        func refuse(_ field: String, _ detail: String) -> RowRefusal {
            RowRefusal(row: SyncRefusedRow(sequence: sequence, field: field, detail: detail))
        }
        guard let code = code(pledge.code, of: event) else {
            throw refuse("code", Self.notThisEventsCode)
        }
        guard (1...Int(Int32.max)).contains(pledge.number) else {
            throw refuse("number", "số thứ tự bắt đầu từ 1 · a number starts at 1")
        }
        guard KioskID(rawValue: pledge.kiosk) != nil else {
            throw refuse("kiosk", "\(IdentifierRule.text.vi) · \(IdentifierRule.text.en)")
        }
        guard let ageBand = AgeBand(rawValue: pledge.ageBand) else {
            throw refuse("ageBand", "không phải một độ tuổi · not an age band")
        }
        var province: Province?
        if let name = pledge.province {
            guard let found = Province(matching: name) else {
                throw refuse("province", "không phải một tỉnh, thành phố · not a province")
            }
            province = found
        }
        guard let createdAt = SyncBatch.date(pledge.createdAt) else {
            throw refuse(
                "createdAt",
                "không phải thời điểm RFC 3339 theo UTC, đến mili giây · "
                    + "not an RFC 3339 date-time in UTC with milliseconds")
        }
        guard createdAt >= Self.earliestPledge, createdAt <= now.addingTimeInterval(Self.clockSlack) else {
            throw refuse(
                "createdAt",
                "trước chiến dịch (2025) hoặc sau đồng hồ của hub hơn một ngày · "
                    + "before the campaign (2025) or more than a day ahead of the hub's clock")
        }
        let draft: PledgeDraft
        do {
            draft = try PledgeDraft(
                name: pledge.name, ageBand: ageBand, province: province, guardianConsent: pledge.guardianConsent
            ).validated()
        } catch {
            throw refuse(error.field ?? "name", "\(error.message.vi) · \(error.message.en)")
        }
        return PlannedPledge(
            sequence: sequence, id: pledge.id, code: code, kiosk: pledge.kiosk, number: pledge.number, name: draft.name,
            ageBand: ageBand.rawValue, province: province?.name, guardianConsent: pledge.guardianConsent,
            createdAt: createdAt)
    }

    /// The canonical text of `text` when it is a code `event` may send: a code of the old form
    /// (looked up as it is), or of the issued form with the event's tag and a MAC made with its key.
    static func code(_ text: String, of event: HubEvent) -> String? {
        guard let code = CertificateCode(parsing: text), HubStore.isIssued(code, by: event) else { return nil }
        return code.rawValue
    }
}

extension HubStore {
    /// Whether `event` issued `code`: always for a code of the first form (16 characters, no tag,
    /// looked up as it is), and for the issued form (27 characters) when it carries the event's tag
    /// and a MAC made with the event's code key (``CodeIssuer/issued(_:)``).
    static func isIssued(_ code: CertificateCode, by event: HubEvent) -> Bool {
        guard code.codeTag != nil else { return true }
        // A tag the hub stored unchecked (a hand edit) recognizes no code; CodeIssuer would trap.
        guard CertificateCode.isTag(event.codeTag) else { return false }
        return CodeIssuer(tag: event.codeTag, key: event.codeKey).issued(code)
    }
}

extension HubError {
    static func rowsRefused(_ rows: [SyncRefusedRow]) -> HubError {
        HubError(
            .rowsRefused(rows),
            vi: "Hub từ chối \(rows.count) dòng của lô đồng bộ; không dòng nào của lô được ghi.",
            en: "The hub refused \(rows.count) rows of the sync batch; nothing of the batch was applied.")
    }
}

/// A row refused by the rules (thrown by ``SyncPlan/plan(_:sequence:from:)``).
struct RowRefusal: Error {
    let row: SyncRefusedRow
}
