import Foundation
import Mustache

/// An SVG document with Mustache placeholders (`{{name}}`), checked when it is loaded.
///
/// Every `{{…}}` is escaped for XML scalar by scalar (``MarkupEscaping``), so a name with
/// `& < > " '` or markup is drawn as those characters. Templates may not turn escaping off:
/// triple braces, `{{&…}}` and pragmas are refused.
public struct SVGTemplate: Sendable {
    /// The file the template was read from.
    public let file: URL
    /// The font families the template names, in order of first use.
    public let fontFamilies: [String]
    /// The template's intrinsic size in CSS pixels (its root `width` and `height`).
    public let size: (width: Double, height: Double)
    /// Whether PNGs draw the static layer once and only the variable layer per document
    /// (``TemplateLayers``); false for a template without the two groups.
    public var isLayered: Bool { staticLayer != nil }
    let template: MustacheTemplate
    let staticLayer: StaticLayer?

    /// Reads and checks a template: UTF-8 text, valid Mustache without unescaped placeholders,
    /// every name of `placeholders` present, well-formed SVG once filled with `sample` (which
    /// should hold markup characters), and every font family it names installed with
    /// Vietnamese letters. A template with layers (``TemplateLayers``) must follow their rules, and
    /// filled with `otherSample` (values unlike `sample`'s, from which the static layer is drawn)
    /// and drawn layer over layer it must give the pixels of the whole document.
    /// - Throws: ``TemplateError`` naming the file and the problem.
    public init(
        file: URL, placeholders: [String], sample: [String: Any], otherSample: [String: Any]? = nil
    ) throws(TemplateError) {
        func refuse(_ problem: String) -> TemplateError {
            TemplateError(file: file.path, problem: problem)
        }
        guard let data = FileManager.default.contents(atPath: file.path) else { throw refuse("file missing") }
        guard let text = String(data: data, encoding: .utf8) else { throw refuse("cannot be read as UTF-8 text") }
        let tags = Self.tags(in: text)
        if let unescaped = tags.first(where: { $0.hasPrefix("{") || $0.hasPrefix("&") || $0.hasPrefix("%") }) {
            throw refuse("placeholder {{\(unescaped)}} would not be escaped; use {{name}} only")
        }
        let names = Set(tags.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "#^/ ")) })
        let missing = placeholders.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw refuse("placeholder missing: " + missing.map { "{{\($0)}}" }.joined(separator: ", "))
        }
        let template: MustacheTemplate
        do { template = try MustacheTemplate(string: MarkupEscaping.register() + text) } catch {
            throw refuse("not a valid Mustache template: \(error)")
        }
        let filled = Array(template.render(sample).utf8)
        do { self.size = try SVGRenderer.parse(filled) } catch {
            throw refuse("not well-formed SVG: \(error.message)")
        }
        let families = Self.fontFamilies(in: text)
        guard families.contains(where: { !FontCheck.genericFamilies.contains($0.lowercased()) }) else {
            throw refuse("no font family named (write e.g. font-family=\"Noto Sans\")")
        }
        for family in families where !FontCheck.genericFamilies.contains(family.lowercased()) {
            if let problem = FontCheck.problem(with: family) { throw refuse(problem) }
        }
        let layers: TemplateLayers?
        do { layers = try TemplateLayers.find(in: text) } catch { throw refuse(error.text) }
        self.staticLayer = layers.map { _ in StaticLayer(document: filled) }
        self.file = file
        self.fontFamilies = families
        self.template = template
        if let staticLayer {
            // Another filling than the static layer's: a static element showing a variable one
            // (`<use href>`) would then differ.
            let other = Array(template.render(otherSample ?? sample).utf8)
            let width = Int(size.width.rounded(.up))
            let height = Int(size.height.rounded(.up))
            let difference: Int
            do {
                let whole = try SVGRenderer.raster(other, width: width, height: height)
                let layered = try SVGRenderer.raster(
                    other, width: width, height: height, layer: TemplateLayers.variableID,
                    over: try staticLayer.raster(width: width, height: height))
                difference = whole.largestDifference(from: layered)
            } catch { throw refuse("cannot draw its layers: \(error.message)") }
            // Anti-aliasing may differ by a step or two where the layers meet; more means an
            // element is drawn in another order or not at all.
            guard difference <= 2 else {
                throw refuse(
                    "its layers drawn one over the other differ from the whole document (by up to \(difference) of 255): "
                        + "does a static element show a variable one?")
            }
        }
    }

    /// A document filled from this template as a `width`×`height` PNG: with layers, its variable
    /// layer over the kept static layer, otherwise the whole document (``SVGRenderer``).
    /// - Throws: ``RenderError`` as ``SVGRenderer/png(_:width:height:)``.
    func png(_ filled: [UInt8], width: Int, height: Int) throws(RenderError) -> [UInt8] {
        guard let staticLayer else { return try SVGRenderer.png(filled, width: width, height: height) }
        let base = try staticLayer.raster(width: width, height: height)
        return try SVGRenderer.png(filled, layer: TemplateLayers.variableID, over: base)
    }

    /// The filled document.
    public func render(_ context: [String: Any]) -> String {
        template.render(context)
    }

    /// The inside of every `{{…}}` tag, with a leading `{` kept for triple braces.
    static func tags(in text: String) -> [String] {
        var tags: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            tags.append(String(rest[..<close.lowerBound]).trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return tags
    }

    /// Families named in `font-family="…"` attributes and `font-family: …` style declarations.
    static func fontFamilies(in text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let start = rest.range(of: "font-family") {
            rest = rest[start.upperBound...]
            let afterName = rest.drop(while: { $0 == " " })
            guard let first = afterName.first, first == "=" || first == ":" else { continue }
            var value = afterName.dropFirst().drop(while: { $0 == " " })
            if value.first == "\"" { value = value.dropFirst() }
            let end = value.firstIndex(where: { $0 == "\"" || $0 == ";" || $0 == "}" || $0 == ">" }) ?? value.endIndex
            for family in value[..<end].split(separator: ",") {
                let name = family.replacingOccurrences(of: "&quot;", with: "")
                    .trimmingCharacters(in: CharacterSet(charactersIn: " '"))
                if !name.isEmpty, !found.contains(name) { found.append(name) }
            }
            rest = value[end...]
        }
        return found
    }
}

/// A template (certificate SVG or page Mustache) that cannot be used; the message names the file
/// and the problem.
public struct TemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let problem: String
    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }
    public var description: String { "\(file): \(problem)" }
}
