import Certificates
import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit

enum Fixtures {
    static let configuration: EventConfiguration = {
        try! EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
    }()
    static let links = try! CertificateLinks(baseURL: "https://khongmotminh.example.vn")
    static let templatesFolder = RepositoryPaths.root.appendingPathComponent("Certificates/default")
    static let renderer = CertificateRenderer(templates: try! CertificateTemplates(folder: templatesFolder))

    static func pledge(name: String?, number: Int = 12_345) -> Pledge {
        var generator = SystemRandomNumberGenerator()
        return Pledge(
            id: UUID(), eventID: "test", kioskID: "kiosk-test", number: number, name: name, ageBand: .from16To17,
            province: nil, school: nil, guardianConsent: false, createdAt: Date(),
            code: CertificateCode.random(using: &generator))
    }

    static func fields(name: String?, number: Int = 12_345) -> CertificateFields {
        CertificateFields(pledge: pledge(name: name, number: number), configuration: configuration, links: links)
    }

    /// Writes bytes to a new file in a temporary folder and returns its path.
    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = temporaryDirectory("certificate").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The text of a PDF as `pdftotext -layout` gives it, line by line, trimmed.
    static func pdfLines(_ path: String) throws -> [String] {
        let result = try ProcessRunner.run("pdftotext", ["-enc", "UTF-8", path, "-"])
        precondition(result.status == 0, result.stderr)
        return result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `pdffonts` rows: (name, embedded).
    static func pdfFonts(_ path: String) throws -> [(name: String, embedded: Bool)] {
        let result = try ProcessRunner.run("pdffonts", [path])
        precondition(result.status == 0, result.stderr)
        return result.stdout.split(separator: "\n").dropFirst(2).map { line in
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            // name type... encoding emb sub uni object ID: "emb" is the 5th column from the end.
            return (String(columns[0]), columns[columns.count - 5] == "yes")
        }
    }

    /// Rasterizes page 1 of a PDF at `dpi` with pdftoppm and returns the PNG's path.
    static func rasterize(_ pdf: String, dpi: Int = 150) throws -> String {
        let prefix = temporaryDirectory("raster").appendingPathComponent("page").path
        let result = try ProcessRunner.run("pdftoppm", ["-r", "\(dpi)", "-png", "-singlefile", pdf, prefix])
        precondition(result.status == 0, result.stderr)
        return prefix + ".png"
    }
}
