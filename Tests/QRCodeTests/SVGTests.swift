import Foundation
import KioskTestSupport
import QRCode
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects the elements of an XML document with their attributes.
private final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append((elementName, attributes))
    }
}

/// Parses the path data the SVG renderer emits (`M x y h n v n h n z`, absolute M, relative h/v) back into a grid:
/// every subpath must be an axis-aligned rectangle, and its modules become dark.
private func modules(fromPath data: String, side: Int) throws -> [[Bool]] {
    var grid = Array(repeating: Array(repeating: false, count: side), count: side)
    var scanner = Substring(data)
    var points: [(x: Int, y: Int)] = []

    func number() throws -> Int {
        let digits = scanner.prefix { $0 == "-" || $0.isNumber }
        scanner.removeFirst(digits.count)
        while scanner.first == " " || scanner.first == "," { scanner.removeFirst() }
        return try #require(Int(digits), "bad number in path at \(scanner.prefix(20))")
    }

    while let command = scanner.popFirst() {
        switch command {
        case "M":
            let x = try number()
            let y = try number()
            points = [(x, y)]
        case "h":
            let last = try #require(points.last)
            points.append((last.x + (try number()), last.y))
        case "v":
            let last = try #require(points.last)
            points.append((last.x, last.y + (try number())))
        case "z":
            let xs = points.map(\.x)
            let ys = points.map(\.y)
            let (left, right, top, bottom) = (xs.min() ?? 0, xs.max() ?? 0, ys.min() ?? 0, ys.max() ?? 0)
            #expect(points.count == 4, "each subpath is one rectangle")
            for point in points { #expect([left, right].contains(point.x) && [top, bottom].contains(point.y)) }
            for y in top..<bottom {
                for x in left..<right { grid[y][x] = true }
            }
            points = []
        case " ":
            continue
        default:
            Issue.record("unexpected path command \(command)")
            return grid
        }
    }
    return grid
}

@Suite("SVG renderer")
struct SVGTests {
    @Test("Well-formed XML with one crisp-edged path, a white background and a module viewBox incl. quiet zone")
    func structure() throws {
        let code = try QRCode(encoding: Samples.mixedCaseURL)
        let svg = code.svg(moduleSize: 5)
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = ElementCollector()
        parser.delegate = collector
        #expect(parser.parse(), "SVG must be well-formed XML: \(String(describing: parser.parserError))")

        let side = code.size + 2 * QRCode.minimumQuietZone
        let root = try #require(collector.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["viewBox"] == "0 0 \(side) \(side)")
        #expect(root.attributes["width"] == "\(side * 5)")
        #expect(root.attributes["height"] == "\(side * 5)")

        let paths = collector.elements.filter { $0.name == "path" }
        #expect(paths.count == 1)
        #expect(paths.first?.attributes["shape-rendering"] == "crispEdges")
        #expect(paths.first?.attributes["fill"] == "#000000")
        let background = try #require(collector.elements.first { $0.name == "rect" })
        #expect(background.attributes["fill"] == "#ffffff")
        #expect(background.attributes["width"] == "\(side)")
    }

    @Test("The path is exactly the module matrix, with ≥ 4 light modules on every side", arguments: [4, 1, 6])
    func pathMatchesModules(quietZone: Int) throws {
        let code = try QRCode(encoding: Samples.vietnamese, level: .low)
        let quiet = max(quietZone, QRCode.minimumQuietZone)
        let side = code.size + 2 * quiet
        let svg = code.svg(quietZone: quietZone)
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
        let data = try #require(svg.firstMatch(of: /\sd="([^"]*)"/)?.output.1)
        let parsed = try modules(fromPath: String(data), side: side)
        #expect(parsed == grid(of: code, quietZone: quiet))
        // Quiet zone: the outer `quiet` rows and columns are all light.
        for index in 0..<side {
            for band in 0..<quiet {
                #expect(!parsed[band][index] && !parsed[side - 1 - band][index])
                #expect(!parsed[index][band] && !parsed[index][side - 1 - band])
            }
        }
    }

    @Test("Rasterized SVG path decodes to the exact text with zbarimg and zxing-cpp", arguments: Samples.roundTrip)
    func decodes(text: String) throws {
        let code = try QRCode(encoding: text)
        let side = code.size + 2 * QRCode.minimumQuietZone
        let data = try #require(code.svg().firstMatch(of: /\sd="([^"]*)"/)?.output.1)
        let image = grayImage(grid: try modules(fromPath: String(data), side: side), scale: 4)
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("svg.pgm").path
        try image.writePGM(to: path)
        try expectDecodes(path, to: text)
    }
}
