import Testing

@testable import KioskFront

@Suite struct KeyDecoderTests {
    private func decode(_ bytes: [UInt8]) -> [Key] {
        var decoder = KeyDecoder()
        return decoder.decode(bytes) + decoder.flush()
    }

    @Test func asciiAndControls() {
        #expect(decode(Array("ab".utf8)) == [.text("ab")])
        #expect(decode([0x0D]) == [.enter])
        #expect(decode([0x0A]) == [.enter])
        #expect(decode([0x0D, 0x0A]) == [.enter])
        #expect(decode([0x7F, 0x08]) == [.backspace, .backspace])
        #expect(decode([0x09]) == [.tab])
        #expect(decode([0x03]) == [.interrupt])
        #expect(decode([0x01, 0x1A]) == [])
    }

    @Test func textBetweenControls() {
        #expect(decode(Array("An\rB".utf8)) == [.text("An"), .enter, .text("B")])
    }

    @Test func vietnameseMultiByteText() {
        #expect(decode(Array("Nguyễn Thị Ánh".utf8)) == [.text("Nguyễn Thị Ánh")])
    }

    @Test func threeByteCharacterSplitAcrossReads() {
        var decoder = KeyDecoder()
        let bytes = Array("ễ".utf8)
        #expect(bytes.count == 3)
        #expect(decoder.decode(Array("N".utf8) + bytes[0..<1]) == [.text("N")])
        #expect(decoder.hasPending)
        #expect(decoder.decode(bytes[1..<2]) == [])
        #expect(decoder.decode(Array(bytes[2...]) + Array("n".utf8)) == [.text("ễn")])
        #expect(!decoder.hasPending)
    }

    @Test func fourByteCharacterSplitAcrossReads() {
        var decoder = KeyDecoder()
        let bytes = Array("😀".utf8)
        #expect(decoder.decode(bytes[0..<2]) == [])
        #expect(decoder.decode(bytes[2...]) == [.text("😀")])
    }

    @Test func arrowsCSIAndSS3() {
        #expect(
            decode([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42, 0x1B, 0x5B, 0x43, 0x1B, 0x5B, 0x44]) == [
                .up, .down, .right, .left,
            ])
        #expect(decode([0x1B, 0x4F, 0x41, 0x1B, 0x4F, 0x42]) == [.up, .down])
        #expect(decode(Array("\u{1B}[1;5A".utf8)) == [.up])  // with modifiers
        #expect(decode(Array("\u{1B}[3~".utf8)) == [])  // Delete: not used
    }

    @Test func loneEscapeWaitsForTheRest() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.hasPending)
        #expect(decoder.decode([0x5B]) == [])
        #expect(decoder.decode([0x42]) == [.down])
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.flush() == [.escape])
        #expect(!decoder.hasPending)
    }

    @Test func escapeFollowedByText() {
        #expect(decode(Array("\u{1B}x".utf8)) == [.escape, .text("x")])
        #expect(decode([0x1B, 0x1B]) == [.escape, .escape])
    }

    @Test func invalidAndBidiBytesAreDropped() {
        #expect(decode([0x41, 0xFF, 0x42]) == [.text("AB")])
        #expect(decode(Array("A\u{202E}B".utf8)) == [.text("AB")])
        var decoder = KeyDecoder()
        #expect(decoder.decode([0xE1, 0xBB]) == [])
        #expect(decoder.flush() == [])
    }
}
