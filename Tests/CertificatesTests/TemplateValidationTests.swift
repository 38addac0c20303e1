import Certificates
import Foundation
import KioskTestSupport
import Testing

@Suite("Certificate templates are checked when loaded")
struct TemplateValidationTests {
    /// A copy of the default templates in a new folder, with `print.svg` replaced by `text`.
    func folder(print text: String) throws -> URL {
        let folder = temporaryDirectory("templates")
        for file in ["share.svg", "print.svg"] {
            try FileManager.default.copyItem(
                at: Fixtures.templatesFolder.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        try Data(text.utf8).write(to: folder.appendingPathComponent("print.svg"), options: .atomic)
        return folder
    }

    var original: String {
        get throws {
            try String(contentsOf: Fixtures.templatesFolder.appendingPathComponent("print.svg"), encoding: .utf8)
        }
    }

    func refusal(_ text: String) throws -> TemplateError {
        let folder = try folder(print: text)
        let error = try #require(throws: TemplateError.self) {
            try CertificateTemplates(folder: folder)
        }
        #expect(error.file == folder.appendingPathComponent("print.svg").path)
        #expect(error.description.hasPrefix(error.file + ": "))
        return error
    }

    @Test func theDefaultTemplatesLoad() throws {
        let templates = try CertificateTemplates(folder: Fixtures.templatesFolder)
        #expect(templates.share.fontFamilies == ["Noto Sans"])
        #expect(templates.print.size.width > templates.print.size.height)
    }

    @Test func missingPlaceholderIsRefused() throws {
        let error = try refusal(try original.replacingOccurrences(of: "{{numberLine}}", with: "Người thứ ? cam kết"))
        #expect(error.problem == "placeholder missing: {{numberLine}}")
    }

    @Test func badXMLIsRefused() throws {
        let error = try refusal(
            try original.replacingOccurrences(of: "Không một mình</text>", with: "Không một mình</txt>"))
        #expect(error.problem.hasPrefix("not well-formed SVG"), "\(error.problem)")
    }

    @Test func unescapedPlaceholderIsRefused() throws {
        let error = try refusal(try original.replacingOccurrences(of: "{{name}}", with: "{{{name}}}"))
        #expect(error.problem.contains("would not be escaped"))
    }

    @Test func missingFontIsRefused() throws {
        let error = try refusal(try original.replacingOccurrences(of: "Noto Sans", with: "Không Có Font Này"))
        #expect(error.problem.contains("font family 'Không Có Font Này' is not installed"), "\(error.problem)")
    }

    @Test func fontWithoutVietnameseIsRefused() throws {
        // fonts-noto-core's Noto Sans Georgian has Latin letters but no Vietnamese ones.
        guard FontCheck.problem(with: "Noto Sans Georgian")?.contains("not installed") == false else { return }
        let error = try refusal(try original.replacingOccurrences(of: "Noto Sans", with: "Noto Sans Georgian"))
        #expect(error.problem.contains("lacks Vietnamese letters"), "\(error.problem)")
    }
}
