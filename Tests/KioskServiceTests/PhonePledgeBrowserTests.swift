import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

/// The web pledge flow walked in headless Chromium by `scripts/flow-check.py` (taps and typed text,
/// as a person does), against the service on loopback: every page passes axe-core's WCAG 2.1 A
/// and AA rules, the pledge is in the database, the QR on the last screen decodes to its
/// certificate link, the flow weighs under 30 KB compressed, and it works with scripts disabled.
@Suite("The web pledge flow in headless Chromium", .serialized)
struct PhonePledgeBrowserTests {
    struct Walk: Decodable {
        struct Page: Decodable {
            struct Violation: Decodable {
                let id: String
                let help: String?
                let nodes: [String]?
            }
            let url: String
            let lang: String?
            let violations: [Violation]
        }
        struct Weight: Decodable {
            let gzip: Int
            let resources: [String]
        }
        let pages: [Page]
        let finalUrl: String
        let weight: Weight
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let width: Int
        let height: Int
        let lang: String
        let name: String?
        let age: String
        let province: String?
        let consent: Bool
        let script: Bool
        var testDescription: String { label }
    }

    static let cases = [
        Case(
            label: "390×844, Vietnamese, named, 18–24", width: 390, height: 844, lang: "vi",
            name: "Nguyễn Thị Ngọc Ánh",
            age: "18-24", province: "Huế", consent: false, script: true),
        Case(
            label: "390×844, English, anonymous, 12–15", width: 390, height: 844, lang: "en", name: nil, age: "12-15",
            province: nil, consent: false, script: true),
        Case(
            label: "390×844, Vietnamese, under 16 named with consent", width: 390, height: 844, lang: "vi",
            name: "Trần Minh Đức", age: "12-15", province: "Hà Nội", consent: true, script: true),
        Case(
            label: "1280×800, English, named, 16–17", width: 1280, height: 800, lang: "en", name: "Lê Văn Lâm",
            age: "16-17", province: "Cần Thơ", consent: false, script: true),
        Case(
            label: "390×844, scripts disabled, named", width: 390, height: 844, lang: "vi", name: "Phạm Thu Trang",
            age: "25-plus", province: nil, consent: false, script: false),
    ]

    /// axe-core's script, from the `axe-playwright-python` package `make test` installs.
    static func axeScript() throws -> String {
        let found = try ProcessRunner.run(
            "python3",
            [
                "-c",
                "import importlib.util, os; spec = importlib.util.find_spec('axe_playwright_python'); "
                    + "print(os.path.join(os.path.dirname(spec.origin), 'axe.min.js'))",
            ])
        let path = found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(found.status == 0 && FileManager.default.fileExists(atPath: path), "axe-core: \(found.stderr)")
        return path
    }

    @Test(arguments: cases)
    func walk(_ walk: Case) async throws {
        let axe = try Self.axeScript()
        let output = temporaryDirectory("flow-check")
        try await TestService.with(transport: .live) { server in
            let presence = try server.store.presenceCodes().code(at: Date())
            var arguments = [
                RepositoryPaths.root.appendingPathComponent("scripts/flow-check.py").path,
                "http://127.0.0.1:\(server.port)/P/\(presence)", "\(walk.width)", "\(walk.height)", output.path,
                "--age", walk.age, "--lang", walk.lang,
            ]
            if let name = walk.name { arguments += ["--name", name] }
            if let province = walk.province { arguments += ["--province", province] }
            if walk.consent { arguments.append("--consent") }
            arguments += walk.script ? ["--axe", axe] : ["--no-script"]
            // Off the cooperative pool: the server answering Chromium runs on it, in this process.
            let frozen = arguments
            let result = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try ProcessRunner.run("python3", frozen) })
                }
            }
            try #require(result.status == 0, "flow-check: \(result.stderr)")
            let report = try JSONDecoder().decode(Walk.self, from: Data(result.stdout.utf8))
            for page in report.pages {
                #expect(page.violations.isEmpty, "\(page.url): \(page.violations.map { "\($0.id) \($0.nodes ?? [])" })")
            }
            // The form and the review in the chosen language (the certificate is in both).
            #expect(report.pages.dropLast().last?.lang == walk.lang)
            #expect(report.weight.gzip < 30 * 1024, "\(report.weight.gzip) B: \(report.weight.resources)")

            let code = try #require(CertificateCode(parsing: String(report.finalUrl.split(separator: "/").last ?? "")))
            let pledge = try #require(try await server.store.pledge(code: code))
            #expect(pledge.kioskID == "phone")
            #expect(pledge.name == walk.name)
            #expect(pledge.ageBand.rawValue == walk.age && pledge.province?.name == walk.province)
            #expect(pledge.guardianConsent == walk.consent)
            let link = server.links.certificateURL(for: code)
            #expect(try QRDecoder.zbar(imageAt: output.appendingPathComponent("done.png").path) == [link])
        }
    }
}
