import Certificates
import Foundation
import KioskTestSupport
import Testing

/// How two PNG files differ, as Pillow reads them (each composited on white first).
struct PixelComparison: Sendable {
    var width: Int
    var height: Int
    /// The largest difference of one channel, 0…255.
    var largest: Int
    /// Pixels where some channel differs by more than 2.
    var differing: Int

    static func of(_ a: String, _ b: String) async throws -> PixelComparison {
        let script = """
            import sys
            from PIL import Image, ImageChops
            def on_white(path):
                image = Image.open(path).convert("RGBA")
                white = Image.new("RGBA", image.size, (255, 255, 255, 255))
                return Image.alpha_composite(white, image).convert("RGB")
            a, b = on_white(sys.argv[1]), on_white(sys.argv[2])
            assert a.size == b.size, (a.size, b.size)
            difference = ImageChops.difference(a, b)
            largest = max(high for low, high in difference.getextrema())
            differing = sum(1 for pixel in difference.getdata() if max(pixel) > 2)
            print(a.size[0], a.size[1], largest, differing)
            """
        let result = try await offPool { try ProcessRunner.run("python3", ["-c", script, a, b]) }
        guard result.status == 0 else { throw PixelComparisonFailure(message: result.stderr) }
        let numbers = result.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard numbers.count == 4 else { throw PixelComparisonFailure(message: result.stdout) }
        return PixelComparison(width: numbers[0], height: numbers[1], largest: numbers[2], differing: numbers[3])
    }
}

struct PixelComparisonFailure: Error {
    var message: String
}

@Suite("Certificate PNGs drawn in layers match the whole document")
struct LayeredPNGTests {
    static let names: [String?] = [
        vietnameseNames[0].nfc, vietnameseNames[3].nfd, nil, #"Trần & "Lê" <b>Bé</b>"#,
        String(repeating: "Nguyễn Thị Ánh ", count: 4).trimmingCharacters(in: .whitespaces),
    ]

    @Test func theDefaultShareTemplateIsLayered() {
        // Otherwise the tests below would compare the whole document with itself.
        #expect(Fixtures.renderer.templates.share.isLayered)
    }

    @Test("Layered PNG = whole-document PNG, pixel for pixel", arguments: names.indices)
    func layeredEqualsWhole(_ index: Int) async throws {
        let fields = Fixtures.fields(name: Self.names[index], number: 1 + index * 98_765)
        let layered = try Fixtures.write(try Fixtures.renderer.render(fields, as: .png), "layered.png")
        let svg = Array(try Fixtures.renderer.svg(fields).utf8)
        let whole = try Fixtures.write(try SVGRenderer.png(svg, width: 1080, height: 1350), "whole.png")
        let comparison = try await PixelComparison.of(layered, whole)
        #expect((comparison.width, comparison.height) == (1080, 1350))
        #expect(comparison.largest <= 2, "largest difference \(comparison.largest)")
        #expect(comparison.differing == 0)
    }

    @Test func sameImageAsRsvgConvertAndNotMuchLarger() async throws {
        let fields = Fixtures.fields(name: vietnameseNames[1].nfd)
        let ours = try Fixtures.renderer.render(fields, as: .png)
        let oursPath = try Fixtures.write(ours, "ours.png")
        let svgPath = try Fixtures.write(Array(try Fixtures.renderer.svg(fields).utf8), "c.svg")
        let theirsPath = svgPath + ".png"
        let result = try await offPool {
            try ProcessRunner.run("rsvg-convert", ["-f", "png", "-w", "1080", "-h", "1350", "-o", theirsPath, svgPath])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let comparison = try await PixelComparison.of(oursPath, theirsPath)
        // rsvg-convert draws on transparent; composited on white it may round a step differently.
        #expect(comparison.largest <= 3, "largest difference \(comparison.largest)")
        #expect(comparison.differing < 100, "\(comparison.differing) pixels differ by more than 2")
        // The phone share image: at most 1.5 times what cairo's own PNG writer (zlib level 6) makes.
        let theirs = try Data(contentsOf: URL(fileURLWithPath: theirsPath)).count
        #expect(ours.count <= theirs * 3 / 2, "ours \(ours.count) B, rsvg-convert \(theirs) B")
        #expect(try QRDecoder.zxing(imageAt: oursPath) == [fields.url])
    }
}

@Suite("Template layers are checked when loaded")
struct TemplateLayerValidationTests {
    var share: String {
        get throws {
            try String(contentsOf: Fixtures.templatesFolder.appendingPathComponent("share.svg"), encoding: .utf8)
        }
    }

    /// Loads the default templates with `share.svg` replaced by `text`.
    func load(share text: String) throws -> CertificateTemplates {
        let folder = temporaryDirectory("templates")
        for file in ["share.svg", "print.svg"] {
            try FileManager.default.copyItem(
                at: Fixtures.templatesFolder.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        try Data(text.utf8).write(to: folder.appendingPathComponent("share.svg"), options: .atomic)
        return try CertificateTemplates(folder: folder)
    }

    func refusal(share text: String) throws -> String {
        let error = try #require(throws: TemplateError.self) { _ = try load(share: text) }
        #expect(error.file.hasSuffix("/share.svg"))
        return error.problem
    }

    @Test func withoutLayersTheWholeDocumentIsDrawn() throws {
        let text = try share.replacingOccurrences(of: "static-layer", with: "a")
            .replacingOccurrences(of: "variable-layer", with: "b")
        let templates = try load(share: text)
        #expect(!templates.share.isLayered)
        let png = try CertificateRenderer(templates: templates).render(Fixtures.fields(name: "Lan"), as: .png)
        #expect(png.count > 10_000)
    }

    @Test func placeholderInTheStaticLayerIsRefused() throws {
        let problem = try refusal(
            share: try share.replacingOccurrences(of: ">Not Alone<", with: ">Not Alone {{date}}<"))
        #expect(problem.hasPrefix("placeholder outside <g id=\"variable-layer\">"), "\(problem)")
    }

    @Test func elementOutsideTheLayersIsRefused() throws {
        let problem = try refusal(
            share: try share.replacingOccurrences(of: "</svg>\n", with: "<circle r=\"9\"/>\n</svg>\n"))
        #expect(problem == "<circle> outside the two layers would not be drawn in PNGs", "\(problem)")
    }

    @Test func variableLayerFirstIsRefused() throws {
        let text = try share
        let staticStart = try #require(text.range(of: "  <g id=\"static-layer\">")).lowerBound
        let variableStart = try #require(text.range(of: "  <!-- Drawn per certificate")).lowerBound
        // The last </svg>: the root's (the QR is a nested <svg>).
        let end = try #require(text.range(of: "</svg>", options: .backwards)).lowerBound
        let swapped =
            String(text[..<staticStart]) + text[variableStart..<end] + text[staticStart..<variableStart]
            + text[end...]
        #expect(try refusal(share: swapped) == "the static layer must come before the variable layer")
    }
}
