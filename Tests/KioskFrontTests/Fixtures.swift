import Foundation
import KioskConfiguration
import PledgeKit
import Synchronization

@testable import KioskFront

/// The real front texts and event files of the repository, found from this file's path.
enum Fixtures {
    static let kioskFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Kiosk")

    static let frontFile = kioskFolder.appendingPathComponent("front.yaml")

    static func text() throws -> FrontText { try FrontText.load(from: frontFile) }

    static func event() throws -> EventDetails {
        EventDetails(
            name: "Lễ phát động chiến dịch “Không một mình”", place: "Hà Nội",
            displayDate: Localized(vi: "10/10/2025", en: "10 October 2025"),
            pledgeText: try EventConfiguration.decodeYAML(
                PledgeText.self, at: kioskFolder.appendingPathComponent("pledge.yaml")),
            resources: try EventConfiguration.decodeYAML(
                [SafetyResource].self, at: kioskFolder.appendingPathComponent("resources.yaml"))
        )
    }

    static func renderer() throws -> ScreenRenderer { ScreenRenderer(text: try text(), event: try event()) }

    static let receipt = RecordOutcome.recorded(
        PledgeReceipt(
            id: UUID(), number: 12_345, code: CertificateCode(parsing: "7KQ2MX4P9TZAB3CD")!,
            certificateUrl: "HTTP://192.168.1.20:8080/C/7KQ2MX4P9TZAB3CD"))

    /// The same pledge waiting in a front's outbox: its code and link, no number yet.
    static let queued = RecordOutcome.queued(code: receipt.code, certificateUrl: receipt.certificateUrl)

    /// Idempotency keys numbered in order, so tests can tell them apart.
    static func flow(language: Language = .vi) -> KioskFlow {
        let counter = Counter()
        return KioskFlow(language: language, makeKey: { try! IdempotencyKey("key-\(counter.next())") })
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

/// Sends events to a flow and keeps every effect.
struct Driver {
    var flow: KioskFlow
    var effects: [FlowEffect] = []

    init(_ flow: KioskFlow = Fixtures.flow()) { self.flow = flow }

    @discardableResult
    mutating func send(_ events: FlowEvent...) -> [FlowEffect] {
        var produced: [FlowEffect] = []
        for event in events { produced += flow.handle(event) }
        effects += produced
        return produced
    }

    @discardableResult
    mutating func press(_ keys: Key...) -> [FlowEffect] {
        var produced: [FlowEffect] = []
        for key in keys { produced += send(.key(key)) }
        return produced
    }

    /// Types each Character as its own key.
    mutating func type(_ text: String) {
        for character in text { send(.key(.text(String(character)))) }
    }

    var submits: [(PledgeDraft, IdempotencyKey)] {
        effects.compactMap { if case .submit(let draft, let key) = $0 { (draft, key) } else { nil } }
    }

    /// From welcome to the province screen with this name (empty: anonymous) and age key.
    mutating func reachProvince(name: String, age: String) {
        press(.enter, .enter)  // welcome → pledge text → name
        type(name)
        press(.enter, .text(age), .enter)
    }
}

extension ScreenRenderer {
    /// The frame as a person reads it: no colours.
    func plain(_ flow: KioskFlow, columns: Int = 100, lines: Int = 40) -> [String] {
        render(flow, columns: columns, lines: lines).map(TerminalText.plain)
    }
}
