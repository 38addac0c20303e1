import ServerHardening
import Testing

/// `kiosk serve` raises its open files limit at start-up (thousands of live viewers need sockets).
@Suite("Open files limit")
struct OpenFilesLimitTests {
    @Test func raisingTheSoftLimitReachesTheHardLimitAndNeverLowersIt() throws {
        let before = try OpenFilesLimit.current()
        let (reported, after) = try OpenFilesLimit.raiseSoftToHard()
        #expect(reported.soft >= before.soft)
        #expect(after.soft >= before.soft)
        #expect(after.hard == before.hard)
        if before.hard != UInt64(UInt.max) { #expect(after.soft == after.hard) }
        #expect(try OpenFilesLimit.current() == after)
    }
}
