/// Turns raw bytes from a terminal in raw mode into ``Key``s.
///
/// Bytes may arrive in any chunking: a multi-byte UTF-8 character or an escape sequence split
/// across two reads is held until the rest arrives. A lone Esc cannot be told from the start of
/// an arrow key's sequence until more bytes come or none do, so the reader calls ``flush()``
/// when no byte followed for a short while (``hasPending`` says when to wait).
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []
    /// Whether the last byte was CR, so that a following LF (CR LF) makes no second Enter.
    private var afterCR = false

    public init() {}

    /// Whether bytes are held waiting for the rest of a sequence.
    public var hasPending: Bool { !pending.isEmpty }

    /// Decodes `bytes`, appended to any held ones; keeps an incomplete tail for the next call.
    public mutating func decode(_ bytes: some Sequence<UInt8>) -> [Key] {
        pending.append(contentsOf: bytes)
        return drain(final: false)
    }

    /// Decodes whatever is held as if no more bytes will follow: a held Esc becomes ``Key/escape``,
    /// an incomplete character is dropped.
    public mutating func flush() -> [Key] {
        drain(final: true)
    }

    private mutating func drain(final: Bool) -> [Key] {
        var keys: [Key] = []
        var index = 0
        let bytes = pending
        while index < bytes.count {
            let byte = bytes[index]
            let wasCR = afterCR
            afterCR = false
            switch byte {
            case 0x1B:
                guard let (key, length) = Self.escapeSequence(bytes[index...], final: final) else {
                    pending = Array(bytes[index...])
                    return keys
                }
                if let key { keys.append(key) }
                index += length
            case 0x0D:
                keys.append(.enter)
                afterCR = true
                index += 1
            case 0x0A:
                if !wasCR { keys.append(.enter) }
                index += 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                index += 1
            case 0x09:
                keys.append(.tab)
                index += 1
            case 0x03:
                keys.append(.interrupt)
                index += 1
            case 0x00..<0x20: index += 1  // other controls mean nothing here
            default:
                // A run of text up to the next control byte.
                var end = index
                while end < bytes.count, bytes[end] >= 0x20, bytes[end] != 0x7F { end += 1 }
                let complete = end == bytes.count && !final ? Self.completeUTF8Prefix(bytes[index..<end]) : end
                if complete > index {
                    let text = Self.printable(bytes[index..<complete])
                    if !text.isEmpty { keys.append(.text(text)) }
                }
                if complete < end {
                    pending = Array(bytes[complete...])
                    return keys
                }
                index = end
            }
        }
        pending = []
        return keys
    }

    /// The key an escape sequence at the start of `bytes` stands for and its length; nil when
    /// more bytes are needed. A key of nil means a sequence the kiosk does not use.
    private static func escapeSequence(_ bytes: ArraySlice<UInt8>, final: Bool) -> (Key?, Int)? {
        let start = bytes.startIndex
        guard bytes.count > 1 else { return final ? (.escape, 1) : nil }
        let second = bytes[start + 1]
        switch second {
        case UInt8(ascii: "["):
            // CSI: parameter and intermediate bytes 0x20–0x3F, then a final byte 0x40–0x7E.
            var end = start + 2
            // The Linux console's F1–F5: ESC [ [ A … ESC [ [ E.
            if end < bytes.endIndex, bytes[end] == UInt8(ascii: "[") {
                guard end + 1 < bytes.endIndex else { return final ? (.escape, bytes.count) : nil }
                let key: Key? =
                    switch bytes[end + 1] {
                    case UInt8(ascii: "B"): .largeText
                    case UInt8(ascii: "C"): .highContrast
                    case UInt8(ascii: "D"): .inputMethod
                    default: nil
                    }
                return (key, 4)
            }
            while end < bytes.endIndex, (0x20...0x3F).contains(bytes[end]) { end += 1 }
            guard end < bytes.endIndex else { return final ? (.escape, bytes.count) : nil }
            if bytes[end] == UInt8(ascii: "~") {
                // VT220 function keys: ESC [ 12 ~ is F2, ESC [ 13 ~ is F3, ESC [ 14 ~ is F4.
                let parameter = String(decoding: bytes[(start + 2)..<end], as: UTF8.self)
                let key: Key? =
                    switch parameter {
                    case "12": .largeText
                    case "13": .highContrast
                    case "14": .inputMethod
                    default: nil
                    }
                return (key, end - start + 1)
            }
            return (arrow(bytes[end]), end - start + 1)
        case UInt8(ascii: "O"):
            guard bytes.count > 2 else { return final ? (.escape, 2) : nil }
            return (arrow(bytes[start + 2]), 3)
        default:
            // Esc followed by something else (Esc then a key, or Alt+key): Esc stands alone.
            return (.escape, 1)
        }
    }

    private static func arrow(_ final: UInt8) -> Key? {
        switch final {
        case UInt8(ascii: "A"): .up
        case UInt8(ascii: "B"): .down
        case UInt8(ascii: "C"): .right
        case UInt8(ascii: "D"): .left
        // SS3 function keys (xterm, tmux): ESC O Q is F2, ESC O R is F3, ESC O S is F4.
        case UInt8(ascii: "Q"): .largeText
        case UInt8(ascii: "R"): .highContrast
        case UInt8(ascii: "S"): .inputMethod
        default: nil
        }
    }

    /// The end of the longest prefix that does not stop inside a UTF-8 sequence.
    private static func completeUTF8Prefix(_ bytes: ArraySlice<UInt8>) -> Int {
        // Look back over at most 3 continuation bytes for the lead byte of the last sequence.
        var lead = bytes.endIndex - 1
        while lead > bytes.startIndex, bytes.endIndex - lead < 4, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        let byte = bytes[lead]
        let needed =
            switch byte {
            case 0xC0...0xDF: 2
            case 0xE0...0xEF: 3
            case 0xF0...0xF7: 4
            default: 1
            }
        return bytes.endIndex - lead < needed ? lead : bytes.endIndex
    }

    /// Decoded text without invalid bytes and without characters that may not be typed into a
    /// name (C1 controls, bidirectional controls).
    private static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars where !isUnwanted(scalar) {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    private static func isUnwanted(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xFFFD, 0x0080...0x009F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0xFEFF: true
        default: false
        }
    }
}
