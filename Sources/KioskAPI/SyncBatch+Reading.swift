import Foundation
import PledgeKit

extension SyncBatch {
    /// The body's name in messages.
    static let what = Localized(vi: "lô đồng bộ", en: "a sync batch")

    /// The batch in `data`, the body of `POST /api/sync/batches`, read as ``StrictJSON/decode(_:from:what:)``
    /// reads it: the same batch, or the same error.
    ///
    /// A batch in the form events write (every member known, once; integers without fraction or
    /// exponent) is read in one pass of ``StrictJSON``'s grammar reader (``readCommonForm(_:)``);
    /// anything else, and every body that is wrong, goes through ``StrictJSON/decode(_:from:what:)``,
    /// which alone says what is wrong. At the hub's ingest the two passes (the check, then
    /// `JSONDecoder`) took a third of its time.
    /// - Throws: ``PledgeError``: `malformed-json`, or `invalid-request` naming the member at fault.
    public static func decode(_ data: Data) throws(PledgeError) -> SyncBatch {
        if let batch = readCommonForm(data) { return batch }
        return try StrictJSON.decode(SyncBatch.self, from: data, what: what)
    }

    /// The batch in `data` when it is RFC 8259 JSON in the common form: a top-level object with
    /// exactly ``members``, rows with `sequence` and the members of ``SyncRow``, ``SyncPledge``,
    /// ``SyncErasure``, ``SyncPurge`` and ``SyncHeld`` (each once, of its type; an optional one
    /// absent or null), integers in `Int` written without fraction or exponent, ids that `UUID`
    /// reads. Nil for anything else, which ``decode(_:)`` leaves to ``StrictJSON``.
    static func readCommonForm(_ data: Data) -> SyncBatch? {
        data.withUnsafeBytes { bytes in
            guard !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return nil }
            var reader = CommonFormReader(reader: StrictJSON.Reader(bytes: bytes))
            return reader.batch()
        }
    }
}

/// Reads a ``SyncBatch`` in its common form with ``StrictJSON/Reader``'s productions; every
/// method returns nil (or false) at the first byte outside that form.
private struct CommonFormReader {
    var reader: StrictJSON.Reader

    /// Where an object's reading is.
    enum Step {
        case member(String)
        case end
        case outside
    }

    mutating func batch() -> SyncBatch? {
        reader.skipSpace()
        var event: String?
        var rows: [SyncRow]?
        var seen: Int?
        var first = true
        loop: while true {
            switch step(first: &first) {
            case .member("event") where event == nil:
                guard let value = string() else { return nil }
                event = value
            case .member("rows") where rows == nil:
                guard let value = self.rows() else { return nil }
                rows = value
            case .member("erasuresSeen") where seen == nil:
                guard let value = integer() else { return nil }
                seen = value
            case .end: break loop
            default: return nil
            }
        }
        reader.skipSpace()
        guard reader.at == reader.bytes.count, let event, let rows, let seen else { return nil }
        return SyncBatch(event: event, rows: rows, erasuresSeen: seen)
    }

    /// At an object's `{` (when `first`) or after a member's value: the next member's name, its
    /// colon and the space after it consumed; `.end` after the closing `}`.
    mutating func step(first: inout Bool) -> Step {
        if first {
            first = false
            guard reader.next == UInt8(ascii: "{") else { return .outside }
            reader.at += 1
            reader.skipSpace()
            if reader.next == UInt8(ascii: "}") {
                reader.at += 1
                return .end
            }
        } else {
            guard let more = try? reader.another(before: UInt8(ascii: "}")) else { return .outside }
            if !more { return .end }
        }
        guard reader.next == UInt8(ascii: "\""), let name = try? reader.string(keeping: true) else { return .outside }
        reader.skipSpace()
        guard reader.next == UInt8(ascii: ":") else { return .outside }
        reader.at += 1
        reader.skipSpace()
        return .member(name)
    }

    mutating func string() -> String? {
        guard reader.next == UInt8(ascii: "\"") else { return nil }
        return try? reader.string(keeping: true)
    }

    /// A string, or null (`.some(nil)`); nil for any other value.
    mutating func optionalString() -> String?? {
        if reader.next == UInt8(ascii: "n") { return (try? reader.word("null")) == nil ? nil : .some(nil) }
        return string().map { .some($0) }
    }

    /// An integer without fraction or exponent that fits in `Int`.
    mutating func integer() -> Int? {
        let start = reader.at
        guard let byte = reader.next, byte == UInt8(ascii: "-") || reader.isDigit(byte),
            (try? reader.number()) != nil
        else { return nil }
        let text = reader.bytes[start..<reader.at]
        guard !text.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
        else { return nil }
        return Int(String(decoding: text, as: UTF8.self))
    }

    mutating func bool() -> Bool? {
        switch reader.next {
        case UInt8(ascii: "t"): return (try? reader.word("true")) == nil ? nil : true
        case UInt8(ascii: "f"): return (try? reader.word("false")) == nil ? nil : false
        default: return nil
        }
    }

    /// Whether the value is null (consumed); false leaves the reader where it was.
    mutating func null() -> Bool {
        guard reader.next == UInt8(ascii: "n") else { return false }
        return (try? reader.word("null")) != nil
    }

    mutating func rows() -> [SyncRow]? {
        guard reader.next == UInt8(ascii: "[") else { return nil }
        reader.at += 1
        reader.skipSpace()
        var rows: [SyncRow] = []
        if reader.next == UInt8(ascii: "]") {
            reader.at += 1
            return rows
        }
        rows.reserveCapacity(SyncBatch.maximumRows)
        while true {
            guard let row = row() else { return nil }
            rows.append(row)
            guard let more = try? reader.another(before: UInt8(ascii: "]")) else { return nil }
            if !more { return rows }
        }
    }

    /// One member's value of an optional object type: `.some(nil)` for null.
    mutating func optional<T>(_ read: (inout Self) -> T?) -> T?? {
        if null() { return .some(nil) }
        return read(&self).map { .some($0) }
    }

    mutating func row() -> SyncRow? {
        var sequence: Int?
        var pledge: SyncPledge??
        var erasure: SyncErasure??
        var purge: SyncPurge??
        var held: SyncHeld??
        var first = true
        loop: while true {
            switch step(first: &first) {
            case .member("sequence") where sequence == nil:
                guard let value = integer() else { return nil }
                sequence = value
            case .member("pledge") where pledge == nil:
                guard let value = optional({ $0.pledge() }) else { return nil }
                pledge = value
            case .member("erasure") where erasure == nil:
                guard let value = optional({ $0.erasure() }) else { return nil }
                erasure = value
            case .member("purge") where purge == nil:
                guard let value = optional({ $0.purge() }) else { return nil }
                purge = value
            case .member("held") where held == nil:
                guard let value = optional({ $0.held() }) else { return nil }
                held = value
            case .end: break loop
            default: return nil
            }
        }
        guard let sequence else { return nil }
        var row = SyncRow(sequence: sequence, held: SyncHeld(reason: ""))
        row.held = held ?? nil
        row.pledge = pledge ?? nil
        row.erasure = erasure ?? nil
        row.purge = purge ?? nil
        return row
    }

    mutating func pledge() -> SyncPledge? {
        var id: UUID?
        var code: String?
        var kiosk: String?
        var number: Int?
        var name: String??
        var ageBand: String?
        var province: String??
        var consent: Bool?
        var createdAt: String?
        var first = true
        loop: while true {
            switch step(first: &first) {
            case .member("id") where id == nil:
                guard let text = string(), let value = UUID(uuidString: text) else { return nil }
                id = value
            case .member("code") where code == nil:
                guard let value = string() else { return nil }
                code = value
            case .member("kiosk") where kiosk == nil:
                guard let value = string() else { return nil }
                kiosk = value
            case .member("number") where number == nil:
                guard let value = integer() else { return nil }
                number = value
            case .member("name") where name == nil:
                guard let value = optionalString() else { return nil }
                name = value
            case .member("ageBand") where ageBand == nil:
                guard let value = string() else { return nil }
                ageBand = value
            case .member("province") where province == nil:
                guard let value = optionalString() else { return nil }
                province = value
            case .member("guardianConsent") where consent == nil:
                guard let value = bool() else { return nil }
                consent = value
            case .member("createdAt") where createdAt == nil:
                guard let value = string() else { return nil }
                createdAt = value
            case .end: break loop
            default: return nil
            }
        }
        guard let id, let code, let kiosk, let number, let ageBand, let consent, let createdAt else { return nil }
        return SyncPledge(
            id: id, code: code, kiosk: kiosk, number: number, name: name ?? nil, ageBand: ageBand,
            province: province ?? nil, guardianConsent: consent, createdAt: createdAt)
    }

    mutating func erasure() -> SyncErasure? {
        var code: String?
        var erasedAt: String?
        var first = true
        loop: while true {
            switch step(first: &first) {
            case .member("code") where code == nil:
                guard let value = string() else { return nil }
                code = value
            case .member("erasedAt") where erasedAt == nil:
                guard let value = string() else { return nil }
                erasedAt = value
            case .end: break loop
            default: return nil
            }
        }
        guard let code, let erasedAt else { return nil }
        return SyncErasure(code: code, erasedAt: erasedAt)
    }

    mutating func purge() -> SyncPurge? {
        var createdBefore: String?
        var purgedAt: String?
        var first = true
        loop: while true {
            switch step(first: &first) {
            case .member("createdBefore") where createdBefore == nil:
                guard let value = string() else { return nil }
                createdBefore = value
            case .member("purgedAt") where purgedAt == nil:
                guard let value = string() else { return nil }
                purgedAt = value
            case .end: break loop
            default: return nil
            }
        }
        guard let createdBefore, let purgedAt else { return nil }
        return SyncPurge(createdBefore: createdBefore, purgedAt: purgedAt)
    }

    mutating func held() -> SyncHeld? {
        var reason: String?
        var first = true
        loop: while true {
            switch step(first: &first) {
            case .member("reason") where reason == nil:
                guard let value = string() else { return nil }
                reason = value
            case .end: break loop
            default: return nil
            }
        }
        return reason.map(SyncHeld.init(reason:))
    }
}
