import Foundation
import PledgeKit
import Testing

@testable import KioskFront

/// Issue 17, items 4 and 5 in the flow: the done screen follows the outbox's upload; the
/// attendant finds a signer by name and shows that certificate's QR again.
@Suite struct KioskFlowFindTests {
    static func flow(findsSigners: Bool = true) -> KioskFlow {
        let counter = Counter()
        return KioskFlow(
            language: .vi, attendantPIN: "2468", findsSigners: findsSigners,
            makeKey: { try! IdempotencyKey("k-\(counter.next())") })
    }

    static let receipt: PledgeReceipt = {
        guard case .recorded(let receipt) = Fixtures.receipt else { fatalError() }
        return receipt
    }()

    static let found = [
        FoundSigner(
            id: UUID(), name: "Trần Đạt Anh", number: 7, signedAt: Date(timeIntervalSince1970: 1_760_063_400),
            code: CertificateCode(parsing: "7KQ2MX4P9TZAB3CD")!,
            certificateUrl: "HTTP://192.168.1.20:8080/C/7KQ2MX4P9TZAB3CD"
        ),
        FoundSigner(
            id: UUID(), name: "Đỗ Đức Đạt", number: 12_345, signedAt: Date(timeIntervalSince1970: 1_760_070_000),
            code: CertificateCode(parsing: "BT94QZ7MX4P9TZAB")!,
            certificateUrl: "HTTP://192.168.1.20:8080/C/BT94QZ7MX4P9TZAB"
        ),
    ]

    /// An anonymous signer's pledge, queued in the outbox: the done screen shows it pending.
    static func queuedDoneScreen() -> Driver {
        var driver = Driver(flow())
        driver.reachProvince(name: "", age: "4")
        driver.press(.enter, .enter, .enter)
        driver.send(.recorded(Fixtures.queued))
        return driver
    }

    @Test func theDoneScreenShowsTheNumberOnceTheUploadEnds() throws {
        var driver = Self.queuedDoneScreen()
        driver.send(.tick(.seconds(20)))
        let left = driver.flow.secondsLeft
        #expect(driver.send(.delivered(Self.receipt)) == [.redraw])
        #expect(driver.flow.screen == .done(Fixtures.receipt))
        #expect(driver.flow.count == 12_345)
        // Its countdown goes on: the upload is no key press.
        #expect(driver.flow.secondsLeft == left)
        let screen = try Fixtures.renderer().plain(driver.flow).joined(separator: "\n")
        #expect(screen.contains("12.345"))
        #expect(screen.contains("Người thứ 12.345 cam kết") && !screen.contains("đã được ghi nhận"))
    }

    @Test func anotherPledgesUploadLeavesTheScreen() {
        var driver = Self.queuedDoneScreen()
        let other = PledgeReceipt(
            id: UUID(), number: 3, code: CertificateCode(parsing: "BT94QZ7MX4P9TZAB")!,
            certificateUrl: "HTTP://192.168.1.20:8080/C/BT94QZ7MX4P9TZAB")
        #expect(driver.send(.delivered(other)).isEmpty)
        #expect(driver.flow.screen == .done(Fixtures.queued))
    }

    /// The outbox runs beside the flow: its upload can end before the screen learns the pledge was queued.
    @Test func anUploadThatEndsFirstStillGivesTheNumber() {
        var driver = Driver(Self.flow())
        driver.reachProvince(name: "", age: "4")
        driver.press(.enter, .enter, .enter)
        #expect(driver.send(.delivered(Self.receipt)).isEmpty)
        driver.send(.recorded(Fixtures.queued))
        #expect(driver.flow.screen == .done(Fixtures.receipt))
    }

    /// Menu, PIN, "5", a name typed without accents, Enter: a search of that text.
    static func searching(_ text: String) -> Driver {
        var driver = Driver(flow())
        driver.press(.interrupt)
        driver.type("2468")
        driver.press(.enter, .text("5"), .enter)
        driver.type(text)
        return driver
    }

    @Test func theMenuOffersTheSearchOnlyWithAFinder() {
        #expect(Self.flow().attendantOptions.last == .find)
        #expect(!Self.flow(findsSigners: false).attendantOptions.contains(.find))
        var driver = Driver(Self.flow(findsSigners: false))
        driver.press(.interrupt)
        driver.type("2468")
        driver.press(.enter)
        #expect(driver.press(.text("5")).isEmpty)
        #expect(driver.flow.screen == .attendantMenu && driver.flow.menuChoice == 0)
    }

    @Test func findAndShowTheCertificateAgainThenForgetEverything() throws {
        var driver = Self.searching("dat")
        #expect(driver.flow.screen == .findSigner)
        #expect(driver.press(.enter) == [.find("dat"), .redraw])
        // A second Enter while the search runs sends nothing more.
        #expect(driver.press(.enter).isEmpty)
        // An answer to another text is not this one's.
        #expect(driver.send(.found("da", .success([]))).isEmpty)
        #expect(driver.send(.found("dat", .success(Self.found))) == [.redraw])
        let list = try Fixtures.renderer().plain(driver.flow).joined(separator: "\n")
        #expect(list.contains("số 7 · 10/10 09:30 · Trần Đạt Anh"))
        #expect(list.contains("số 12.345 · 10/10 11:20 · Đỗ Đức Đạt"))
        driver.press(.down, .enter)
        #expect(driver.flow.screen == .foundCertificate(Self.found[1]))
        let shown = try Fixtures.renderer().plain(driver.flow).joined(separator: "\n")
        #expect(shown.contains("BT94-QZ7M-X4P9-TZAB") && shown.contains("12.345"))
        #expect(!shown.contains("Trần Đạt Anh"))
        // Any key, as on the done screen: back to welcome, the search forgotten.
        driver.press(.escape)
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.lookup == KioskFlow.Lookup())
    }

    @Test func theCertificateScreenTimesOutAsTheDoneScreenDoes() {
        var driver = Self.searching("dat")
        driver.press(.enter)
        driver.send(.found("dat", .success(Self.found)), .key(.enter))
        #expect(driver.flow.secondsLeft == 60)
        driver.send(.tick(.seconds(60)))
        #expect(driver.flow.screen == .welcome)
        #expect(driver.flow.lookup.results == nil)
    }

    @Test func tooShortNoMatchAndFailureAreSaid() throws {
        var driver = Self.searching("d")
        #expect(driver.press(.enter) == [.redraw])
        #expect(driver.flow.lookup.problem?.field == "name")
        driver.type("oan")
        #expect(driver.flow.lookup.problem == nil)
        #expect(driver.press(.enter) == [.find("doan"), .redraw])
        driver.send(.found("doan", .success([])))
        let none = try Fixtures.renderer().plain(driver.flow).joined(separator: "\n")
        #expect(none.contains("Không tìm thấy ai có tên này"))
        // Typing again drops the list; a failure is said in words.
        driver.press(.backspace)
        #expect(driver.flow.lookup.results == nil)
        driver.press(.enter)
        let down = PledgeError(.unavailable, vi: "Không kết nối được máy chủ.", en: "The service cannot be reached.")
        driver.send(.found("doa", .failure(down)))
        #expect(
            try Fixtures.renderer().plain(driver.flow).joined(separator: "\n").contains("Không kết nối được máy chủ."))
        // Esc clears, then goes back to the menu.
        driver.press(.escape)
        #expect(driver.flow.lookup == KioskFlow.Lookup() && driver.flow.screen == .findSigner)
        driver.press(.escape)
        #expect(driver.flow.screen == .attendantMenu)
    }

    /// Telex typing in the search too: habits of the name screen still find the name.
    @Test func telexKeysBecomeLettersThatTheSearchFolds() {
        var driver = Self.searching("ddoox")
        #expect(driver.flow.lookup.query == "đỗ")
        #expect(driver.press(.enter) == [.find("đỗ"), .redraw])
    }
}
