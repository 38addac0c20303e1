import Testing

@testable import PledgeExport

@Suite("CSV and JSON Lines encoding")
struct CSVEncoderTests {
    @Test func formulaCellsAreNeutralizedNumbersStayBare() {
        #expect(CSVEncoder.field(.text("=1+1")) == "\"'=1+1\"")
        #expect(CSVEncoder.field(.text("@SUM(1)")) == "\"'@SUM(1)\"")
        #expect(CSVEncoder.field(.text("-5")) == "\"'-5\"")
        #expect(CSVEncoder.field(.text("\tx")) == "\"'\tx\"")
        #expect(CSVEncoder.field(.number(-5)) == "-5")
        #expect(CSVEncoder.field(.text("Trường \"Lê Lợi\",\nHuế")) == "\"Trường \"\"Lê Lợi\"\",\nHuế\"")
        #expect(CSVEncoder.field(.null) == "")
    }

    @Test func headerStartsWithBOMAndRowsEndWithCRLF() {
        let encoder = CSVEncoder(delimiter: .semicolon)
        let header = encoder.header(["a", "b"])
        #expect(Array(header.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: header.dropFirst(3), as: UTF8.self) == "\"a\";\"b\"\r\n")
        #expect(String(decoding: encoder.row(["a", "b"], [.text("x"), .number(3)]), as: UTF8.self) == "\"x\";3\r\n")
    }

    @Test func jsonLinesEscapeEverythingOnOneLine() {
        let line = JSONLinesEncoder().row(
            ["name", "n", "ok", "none"], [.text("A \"b\"\n\u{2028}\u{1}"), .number(7), .bool(true), .null])
        #expect(
            String(decoding: line, as: UTF8.self)
                == #"{"name":"A \"b\"\n\u2028\u0001","n":7,"ok":true,"none":null}"# + "\n")
    }
}
