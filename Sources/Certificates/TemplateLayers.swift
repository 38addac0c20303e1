import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The two layers a certificate template may declare so its PNGs draw faster: everything that is
/// the same on every certificate in `<g id="static-layer">`, everything with a placeholder in
/// `<g id="variable-layer">` after it. The static layer is drawn once per image size and copied;
/// only the variable layer is drawn per certificate, by `rsvg_handle_render_layer`, in the same
/// place as in the whole document. SVG output and PDFs always use the whole document.
///
/// Rules, checked when the template loads (a template with neither group is drawn whole):
/// both groups are children of the root `<svg>`, the static one first; the root has no other
/// drawn child (only `defs`, `style`, `title`, `desc`, `metadata`); every `{{…}}` is inside the
/// variable group. Then the sample document is drawn both ways and must give the same pixels.
public struct TemplateLayers: Sendable {
    public static let staticID = "static-layer"
    public static let variableID = "variable-layer"
    /// Root children that draw nothing themselves, allowed beside the two groups.
    static let undrawn: Set<String> = ["defs", "style", "title", "desc", "metadata"]

    /// The layers declared in template text, or nil when it declares none.
    /// - Throws: the problem, in words, when the groups break a rule above.
    static func find(in text: String) throws(LayerProblem) -> TemplateLayers? {
        guard text.contains(staticID) || text.contains(variableID) else { return nil }
        let scanner = LayerScanner()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = scanner
        guard parser.parse() else {
            throw LayerProblem(
                "with layers, the template must be well-formed XML before it is filled: "
                    + (parser.parserError.map { "\($0)" } ?? "parse error"))
        }
        if let problem = scanner.problem { throw LayerProblem(problem) }
        let ids = scanner.rootChildren.compactMap(\.id)
        guard let first = ids.firstIndex(of: staticID), let second = ids.firstIndex(of: variableID) else {
            throw LayerProblem(
                "<g id=\"\(staticID)\"> and <g id=\"\(variableID)\"> must both be children of the root <svg>")
        }
        guard first < second else { throw LayerProblem("the static layer must come before the variable layer") }
        for child in scanner.rootChildren where child.id != staticID && child.id != variableID {
            guard undrawn.contains(child.name) else {
                throw LayerProblem("<\(child.name)> outside the two layers would not be drawn in PNGs")
            }
        }
        return TemplateLayers()
    }
}

/// Why a template's layers cannot be used.
struct LayerProblem: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

/// Walks the template once: the root's children, and any placeholder outside the variable layer.
private final class LayerScanner: NSObject, XMLParserDelegate {
    var rootChildren: [(name: String, id: String?)] = []
    var problem: String?
    private var depth = 0
    /// Depth of the variable layer's element while inside it.
    private var variableDepth: Int?
    /// Text since the last tag: libxml2 may hand it over in pieces, which could split a `{{`.
    private var text = ""

    private var outsideVariable: Bool { variableDepth == nil }

    private func flushText() {
        check(text, "text")
        text = ""
    }

    private func check(_ text: String, _ place: @autoclosure () -> String) {
        if problem == nil, outsideVariable, text.contains("{{") {
            problem = "placeholder outside <g id=\"\(TemplateLayers.variableID)\"> (\(place()))"
        }
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        flushText()
        depth += 1
        let id = attributes["id"]
        if depth == 2 { rootChildren.append((name, id)) }
        if id == TemplateLayers.staticID || id == TemplateLayers.variableID, depth != 2, problem == nil {
            problem = "<\(name) id=\"\(id!)\"> must be a child of the root <svg>"
        }
        if depth == 2, id == TemplateLayers.variableID { variableDepth = depth }
        for (key, value) in attributes { check(value, "attribute \(key) of <\(name)>") }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        flushText()
        if variableDepth == depth { variableDepth = nil }
        depth -= 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parserDidEndDocument(_ parser: XMLParser) { flushText() }
    func parser(_ parser: XMLParser, foundComment comment: String) { check(comment, "comment") }
    func parser(_ parser: XMLParser, foundCDATA data: Data) { check(String(decoding: data, as: UTF8.self), "CDATA") }
}

/// A layered template's static layer, drawn once per image size and kept.
final class StaticLayer: @unchecked Sendable {
    /// The template filled with sample values: its static layer has no placeholder, so any filling
    /// draws the same static pixels.
    let document: [UInt8]
    private let lock = NSLock()
    /// By size; the formats use two sizes, so a few entries at most (and never more than 4).
    private var rasters: [Size: Raster] = [:]

    private struct Size: Hashable {
        var width: Int
        var height: Int
    }

    init(document: [UInt8]) {
        self.document = document
    }

    /// The static layer on white at `width`×`height` pixels (about 6 MB for 1080×1350).
    func raster(width: Int, height: Int) throws(RenderError) -> Raster {
        let size = Size(width: width, height: height)
        if let raster = lock.withLock({ rasters[size] }) { return raster }
        // Two threads may both draw it the first time; both get the same pixels.
        let raster = try SVGRenderer.raster(document, width: width, height: height, layer: TemplateLayers.staticID)
        lock.withLock {
            if rasters.count >= 4 { rasters.removeAll() }
            rasters[size] = raster
        }
        return raster
    }
}
