import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// The tablet kiosk mode (`/tablet`, issue 16) walked in headless Chromium at 1280×800 by
/// `scripts/flow-check.py --kiosk`: the organizer's setup, then a signer's walk; every page passes
/// axe-core's WCAG 2.1 A and AA rules; the pledge is in the database under the tablet's kiosk id;
/// the large QR of the last screen decodes to the certificate link; the next signer's start holds
/// nothing of the last one and history did not grow; the flow weighs under 30 KB compressed. The
/// offline walk: with the browser offline, then with the service's answer lost after it recorded,
/// the page says so, keeps the draft and never says done; the third try is acknowledged and the
/// pledge is recorded once. The idle walk: a warning, then a fresh, empty form.
@Suite("The tablet kiosk mode in headless Chromium", .serialized)
struct TabletKioskBrowserTests {
    static let kioskToken = KioskTokenTests.token

    /// A walk as `scripts/flow-check.py` reports it: the phone's (pages, their axe violations, the
    /// weight), with what the kiosk mode adds.
    struct Walk: Decodable {
        typealias Page = PhonePledgeBrowserTests.Walk.Page
        typealias Weight = PhonePledgeBrowserTests.Walk.Weight
        struct Kiosk: Decodable {
            struct State: Decodable {
                let said: Bool
                let done: Bool
                let kept: String?
                let tries: Int
            }
            struct Fresh: Decodable {
                let url: String
                let name: String
                let history: Int
                let nameInPage: Bool?
            }
            let history: Int?
            let refused: String?
            let offline: State?
            let answerLost: State?
            let lostAnswer: Int?
            let done: String?
            let fresh: Fresh?
            let warning: String?
            let afterIdle: Fresh?
        }
        let pages: [Page]
        let finalUrl: String
        let weight: Weight
        let kiosk: Kiosk
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let lang: String
        let name: String?
        let age: String
        let province: String?
        var consent = false
        var script = true
        var offline = false
        var refuseFirst = false
        var testDescription: String { label }
    }

    static let cases = [
        Case(label: "Vietnamese, named, 18–24", lang: "vi", name: "Nguyễn Thị Ngọc Ánh", age: "18-24", province: "Huế"),
        Case(label: "English, anonymous, 25+", lang: "en", name: nil, age: "25-plus", province: nil),
        Case(
            label: "Vietnamese, under 16 named with consent", lang: "vi", name: "Trần Minh Đức", age: "12-15",
            province: "Hà Nội", consent: true),
        Case(
            label: "English, under 16 without consent: the name is refused, then anonymous", lang: "en", name: nil,
            age: "12-15", province: "Cần Thơ", refuseFirst: true),
        Case(
            label: "Vietnamese, named, offline then the answer lost", lang: "vi", name: "Lê Văn Lâm", age: "16-17",
            province: nil, offline: true),
        Case(
            label: "English, scripts disabled, named", lang: "en", name: "Phạm Thu Trang", age: "25-plus",
            province: "Đà Nẵng", script: false),
    ]

    static func run(_ arguments: [String]) async throws -> Walk {
        // Off the cooperative pool: the server answering Chromium runs on it, in this process.
        let result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try ProcessRunner.run("python3", arguments) })
            }
        }
        try #require(result.status == 0, "flow-check: \(result.stderr)")
        return try JSONDecoder().decode(Walk.self, from: Data(result.stdout.utf8))
    }

    @Test(arguments: cases)
    func walk(_ walk: Case) async throws {
        let axe = try PhonePledgeBrowserTests.axeScript()
        let output = temporaryDirectory("tablet-check")
        try await TestService.with(transport: .live, configure: KioskTokenTests.withToken) { server in
            var arguments = [
                RepositoryPaths.root.appendingPathComponent("scripts/flow-check.py").path,
                "http://127.0.0.1:\(server.port)/tablet", "1280", "800", output.path, "--age", walk.age, "--lang",
                walk.lang, "--kiosk", "tablet-1", Self.kioskToken,
            ]
            if let name = walk.name { arguments += ["--name", name] }
            if let province = walk.province { arguments += ["--province", province] }
            if walk.consent { arguments.append("--consent") }
            if walk.offline { arguments.append("--offline") }
            if walk.refuseFirst { arguments.append("--refuse-first") }
            arguments += walk.script ? ["--axe", axe] : ["--no-script"]
            let report = try await Self.run(arguments)

            #expect(report.pages.first?.url.hasSuffix("/tablet/setup") == true)
            for page in report.pages {
                #expect(page.violations.isEmpty, "\(page.url): \(page.violations.map { "\($0.id) \($0.nodes ?? [])" })")
            }
            // The last screen in the signer's language; the page after it is the next signer's fresh start.
            #expect(report.pages.dropLast().last?.lang == walk.lang)
            #expect(report.weight.gzip < 30 * 1024, "\(report.weight.gzip) B: \(report.weight.resources)")
            #expect(report.weight.resources.contains { $0.hasSuffix("/tablet/tablet.js") } == walk.script)

            let code = try #require(CertificateCode(parsing: report.kiosk.done ?? ""))
            let pledge = try #require(try await server.store.pledge(code: code))
            #expect(pledge.kioskID == "tablet-1" && PledgeChannel(kioskID: pledge.kioskID) == .kiosk)
            #expect(pledge.name == walk.name)
            #expect(pledge.ageBand.rawValue == walk.age && pledge.province?.name == walk.province)
            #expect(pledge.guardianConsent == walk.consent)
            // Once, whatever the tries.
            #expect(try await server.store.counts().total == 1)
            let link = server.links.certificateURL(for: code)
            #expect(try QRDecoder.zbar(imageAt: output.appendingPathComponent("done.png").path) == [link])

            let fresh = try #require(report.kiosk.fresh)
            #expect(fresh.url.hasSuffix("/tablet") && fresh.name.isEmpty && fresh.nameInPage != true)
            if walk.script {
                // Forms went by fetch and the fresh start replaced the page: nothing added to history.
                #expect(fresh.history == report.kiosk.history)
            }
            if walk.refuseFirst {
                #expect(report.kiosk.refused?.contains("16") == true, "\(report.kiosk.refused ?? "")")
            }
            if walk.offline {
                let offline = try #require(report.kiosk.offline)
                #expect(offline.said && !offline.done && offline.kept == walk.name && offline.tries >= 1)
                let lost = try #require(report.kiosk.answerLost)
                #expect(lost.said && !lost.done && lost.kept == walk.name && lost.tries > offline.tries)
                #expect(report.kiosk.lostAnswer == 303 || report.kiosk.lostAnswer == 200)
            }
        }
    }

    @Test("Idle: a warning in the last seconds, then a fresh start with an empty form")
    func idleReset() async throws {
        var timeouts = KioskTimeouts()
        // Room for axe on the form and on its warning, which it checks while the countdown runs.
        timeouts.idle = .seconds(20)
        timeouts.countdown = .seconds(10)
        let output = temporaryDirectory("tablet-idle")
        try await TestService.with(
            transport: .live, configure: KioskTokenTests.withToken, tabletTimeouts: timeouts
        ) { server in
            let report = try await Self.run([
                RepositoryPaths.root.appendingPathComponent("scripts/flow-check.py").path,
                "http://127.0.0.1:\(server.port)/tablet", "1280", "800", output.path, "--age", "18-24", "--kiosk",
                "tablet-2", Self.kioskToken, "--name", "Đỗ Quỳnh Như", "--idle", "--axe",
                try PhonePledgeBrowserTests.axeScript(),
            ])
            for page in report.pages {
                #expect(page.violations.isEmpty, "\(page.url): \(page.violations.map { "\($0.id) \($0.nodes ?? [])" })")
            }
            let warning = try #require(report.kiosk.warning)
            #expect(warning.contains("trở về màn hình đầu sau"), "\(warning)")
            let after = try #require(report.kiosk.afterIdle)
            #expect(after.url.hasSuffix("/tablet") && after.name.isEmpty && after.nameInPage == false)
            #expect(after.history == report.kiosk.history)
            #expect(try await server.store.counts().total == 0)
        }
    }
}
