import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import PledgeStore
import Testing

@Suite("Certificate commands and template checks at start-up")
struct CertificateCommandTests {
    func kiosk(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ProcessRunner.run(RepositoryPaths.kioskBinary, arguments)
    }

    /// A copy of the default configuration whose certificate templates are a copy of the default
    /// ones with `print.svg` edited by `edit`.
    func configuration(editingPrint edit: (String) -> String) throws -> (config: String, printFile: String) {
        let folder = temporaryDirectory("cli-config")
        let kiosk = RepositoryPaths.root.appendingPathComponent("Kiosk")
        for file in ["pledge.yaml", "resources.yaml", "front.yaml"] {
            try FileManager.default.copyItem(
                at: kiosk.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        let defaults = RepositoryPaths.root.appendingPathComponent("Certificates/default")
        let templates = folder.appendingPathComponent("mau-rieng")
        try FileManager.default.copyItem(at: defaults, to: templates)
        let printFile = templates.appendingPathComponent("print.svg")
        try Data(edit(try String(contentsOf: printFile, encoding: .utf8)).utf8).write(to: printFile)
        var event = try String(contentsOf: kiosk.appendingPathComponent("event.yaml"), encoding: .utf8)
        event = event.replacingOccurrences(of: "../Certificates/default", with: templates.path)
        let config = folder.appendingPathComponent("event.yaml")
        try Data(event.utf8).write(to: config)
        return (config.path, printFile.path)
    }

    @Test(
        "A bad template stops the service at start-up, naming the file",
        arguments: [
            ("{{pledgeTitle}}", "", "placeholder missing: {{pledgeTitle}}"),
            ("<text x=\"561\" y=\"120\"", "<text x=\"561\" y=\"120\" <", "not well-formed SVG"),
        ])
    func badTemplateIsRefused(_ find: String, _ replace: String, _ problem: String) throws {
        let (config, printFile) = try configuration { $0.replacingOccurrences(of: find, with: replace) }
        let database = temporaryDirectory("cli-db").appendingPathComponent("k.sqlite").path
        let result = try kiosk(["serve", "--config", config, "--database", database, "--port", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(printFile): \(problem)"), "\(result.stderr)")
    }

    @Test func certificateAndCertificatesWriteDocuments() async throws {
        let database = temporaryDirectory("cli-db").appendingPathComponent("k.sqlite").path
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        let store = try PledgeStore(
            path: database, eventID: configuration.eventID, defaultKioskID: "kiosk-01",
            links: try CertificateLinks(baseURL: "http://127.0.0.1:8080"))
        var codes: [CertificateCode] = []
        for name in [vietnameseNames[2].nfd, nil] {
            let draft = PledgeDraft(
                name: name, ageBand: .from18To24, province: nil, school: nil, guardianConsent: false)
            codes.append(
                try await store.record(draft, idempotencyKey: try IdempotencyKey(UUID().uuidString), kioskID: nil).code)
        }
        try store.close()
        // The links come from the running service (see PersonalFilesTests).
        let server = try KioskProcess(database: database)
        defer { server.terminate() }
        let service = "http://127.0.0.1:\(server.port)"
        let config = RepositoryPaths.defaultConfiguration.path
        let pdf = temporaryDirectory("cli-cert").appendingPathComponent("one.pdf").path
        let one = try kiosk([
            "certificate", codes[0].grouped.lowercased(), "--config", config, "--database", database, "--output", pdf,
            "--service", service,
        ])
        #expect(one.status == 0, "\(one.stderr)")
        // The default configuration has no public address: the QR works only on the event's LAN.
        #expect(one.stderr.contains("Warning: service.publicBaseURL is not set"), "\(one.stderr)")
        let text = try ProcessRunner.run("pdftotext", [pdf, "-"]).stdout
        #expect(text.contains(vietnameseNames[2].nfc))
        let folder = temporaryDirectory("cli-all").path
        let all = try kiosk([
            "certificates", "--config", config, "--database", database, "--output", folder, "--format", "png",
            "--service", service,
        ])
        #expect(all.status == 0, "\(all.stderr)")
        // The progress bar shows on a terminal only; the summary always.
        #expect(all.stderr.contains("2 giấy chứng nhận · certificates → \(folder)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files == ["1-\(codes[0].rawValue).png", "2-\(codes[1].rawValue).png"])
        let other = try kiosk([
            "certificates", "--config", config, "--database", database, "--output", folder, "--event", "khac",
            "--service", service,
        ])
        #expect(other.status != 0)
        #expect(other.stderr.contains("not 'khac'"), "\(other.stderr)")
    }

    @Test func posterListsEveryResourceWithItsQR() throws {
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        let pdf = temporaryDirectory("cli-poster").appendingPathComponent("poster.pdf").path
        let result = try kiosk(["poster", "--config", RepositoryPaths.defaultConfiguration.path, "--output", pdf])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try ProcessRunner.run("pdftotext", [pdf, "-"]).stdout
        for resource in configuration.resources {
            #expect(text.contains(resource.value))
            #expect(text.contains(resource.name.vi))
        }
        let raster = temporaryDirectory("cli-poster").appendingPathComponent("page").path
        #expect(try ProcessRunner.run("pdftoppm", ["-r", "150", "-png", "-singlefile", pdf, raster]).status == 0)
        let decoded = Set(try QRDecoder.zxing(imageAt: raster + ".png"))
        #expect(decoded == Set(configuration.resources.map(\.link)))
    }
}
