import Certificates
import Foundation
import Mustache

/// The Mustache page templates of one event (`Certificates/default/*.mustache`); the pages are
/// its functions in `PageTemplates+Pages.swift`.
///
/// `{{name}}` escapes HTML (&, <, >, ", ', scalar by scalar: ``MarkupEscaping``, the one escaper
/// of every page, SVG and XML the service writes), so names typed by signers always show as
/// text; only values made by the service itself may use triple braces.
public struct PageTemplates: Sendable {
    /// Templates the service cannot run without.
    public static let required = ["certificate", "resources", "verify", "not-found"]

    let library: MustacheLibrary
    /// The certificate page rendered once per event and shape; nil when the templates do
    /// something it cannot follow (then every page is rendered by Mustache).
    let certificates: PrerenderedCertificates?

    /// Loads every `*.mustache` file of `folder`, named by the file name without the extension.
    /// - Throws: ``TemplateError`` naming the file that is missing or cannot be parsed.
    public init(folder: URL) throws {
        var library = MustacheLibrary()
        var texts: [String] = []
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let url = folder.appendingPathComponent(file)
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw TemplateError(file: url.path, problem: "cannot be read as UTF-8 text")
            }
            texts.append(text)
            do {
                try library.registerMarkup(text, named: String(file.dropLast(".mustache".count)))
            } catch {
                throw TemplateError(file: url.path, problem: "not a valid Mustache template: \(error)")
            }
        }
        for name in Self.required where library.getTemplate(named: name) == nil {
            throw TemplateError(
                file: folder.appendingPathComponent("\(name).mustache").path, problem: "template missing")
        }
        self.library = library
        certificates = PrerenderedCertificates(templates: texts)
    }

    func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}

extension MustacheLibrary {
    /// Registers `text` as the template `name`, its `{{…}}` escaped by ``MarkupEscaping``.
    /// - Throws: swift-mustache's parse error.
    mutating func registerMarkup(_ text: String, named name: String) throws {
        // Escaping scalar by scalar: a quote with a combining mark is still escaped.
        try register(MarkupEscaping.register() + text, named: name)
    }
}
