import Foundation
import KioskAPI
import Testing

/// The one reader and writer of sync dates (SyncBatch.date and SyncBatch.text).
@Suite struct SyncDateTests {
    /// Every date the writer makes reads back to the same millisecond, also where the binary
    /// fraction of a millisecond falls just below it (the strict reader refused valid batches so).
    @Test func whatTheWriterWritesTheReaderReads() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 1_735_689_600...1_893_456_000, using: &generator))
            let text = SyncBatch.text(date)
            let read = try #require(SyncBatch.date(text), "\(text)")
            #expect(SyncBatch.text(read.addingTimeInterval(0.0005)) == text)
            // Truncated to the millisecond: less than 1 ms lost, give or take the Double's own step
            // at 1.9e9 s (about 0.24 µs; a run read 0.001000047 s).
            #expect(abs(read.timeIntervalSince(date)) < 0.001 + 1e-6)
        }
    }

    /// Text the lenient parser would move to another day, and other forms than the writer's.
    @Test(arguments: [
        "2026-02-30T10:00:00.000Z", "2026-12-06T25:00:00.000Z", "2026-12-06T10:00:00Z",
        "2026-12-06T17:00:00.000+07:00", "2026-12-06 10:00:00.000Z", "",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(SyncBatch.date(text) == nil)
    }
}
