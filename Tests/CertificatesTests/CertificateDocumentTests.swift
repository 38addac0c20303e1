import Certificates
import Foundation
import KioskTestSupport
import PledgeKit
import Testing

@Suite("Certificate documents: Vietnamese text, embedded fonts, QR codes")
struct CertificateDocumentTests {
    static let inputs: [(input: String, nfc: String)] = vietnameseNames.flatMap { name in
        [(name.nfc, name.nfc), (name.nfd, name.nfc), (name.mixed, name.nfc)]
    }

    @Test("PDF text is the NFC name; only embedded Noto Sans fonts", arguments: inputs.indices)
    func pdfTextAndFonts(_ index: Int) throws {
        let (input, nfc) = Self.inputs[index]
        let fields = Fixtures.fields(name: input)
        #expect(fields.name == nfc)
        let pdf = try Fixtures.write(try Fixtures.renderer.render(fields, as: .pdf), "c.pdf")
        let lines = try Fixtures.pdfLines(pdf)
        #expect(lines.contains(nfc), "pdftotext: \(lines)")
        #expect(lines.contains("Người thứ 12.345 cam kết"))
        #expect(lines.contains(fields.code.grouped))
        #expect(lines.contains(Fixtures.links.domain))
        let fonts = try Fixtures.pdfFonts(pdf)
        #expect(!fonts.isEmpty)
        for font in fonts {
            #expect(font.embedded, "\(font.name) not embedded")
            #expect(font.name.contains("+NotoSans-"), "\(font.name) is not Noto Sans")
        }
    }

    @Test func qrInPNGAndPDFDecodesToTheCertificateURL() throws {
        let fields = Fixtures.fields(name: vietnameseNames[1].nfd)
        let png = try Fixtures.write(try Fixtures.renderer.render(fields, as: .png), "c.png")
        #expect(try QRDecoder.zxing(imageAt: png) == [fields.url])
        let printPNG = try Fixtures.write(try Fixtures.renderer.render(fields, as: .printPNG), "p.png")
        #expect(try QRDecoder.zxing(imageAt: printPNG) == [fields.url])
        let pdf = try Fixtures.write(try Fixtures.renderer.render(fields, as: .pdf), "c.pdf")
        #expect(try QRDecoder.zxing(imageAt: try Fixtures.rasterize(pdf)) == [fields.url])
    }

    @Test func pngSizesAndPDFPage() throws {
        let fields = Fixtures.fields(name: nil)
        #expect(fields.name == "Người ký ẩn danh")
        let png = try Fixtures.renderer.render(fields, as: .png)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR width and height, big-endian, at bytes 16–23.
        func be32(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect((be32(16), be32(20)) == (1080, 1350))
        let pdf = try Fixtures.write(try Fixtures.renderer.render(fields, as: .pdf), "a.pdf")
        let info = try ProcessRunner.run("pdfinfo", [pdf]).stdout
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
        #expect(pages?.split(separator: " ").last == "1")
        #expect(info.contains("841.89 x 595.28 pts (A4)"), "\(info)")
        #expect(try Fixtures.pdfLines(pdf).contains("Người ký ẩn danh"))
    }

    @Test(
        "Markup in a name is literal text in SVG and PDF",
        arguments: [#"Trần & "Lê" <b>Bé</b> 'x'"#, "</text><script>x</script>", "A\"\u{301} <\u{301}x"])
    func markupIsText(_ name: String) throws {
        let fields = Fixtures.fields(name: name)
        let svg = try Fixtures.renderer.svg(fields)
        #expect(!svg.contains("<b>"))
        #expect(!svg.contains("<script>"))
        #expect(svg.contains(">\(MarkupEscaping.escape(fields.name))</text>"))
        // Well-formed: librsvg (libxml2) parses it, and the PDF shows the characters as typed.
        _ = try SVGRenderer.parse(Array(svg.utf8))
        let pdf = try Fixtures.write(try Fixtures.renderer.render(fields, as: .pdf), "m.pdf")
        #expect(try Fixtures.pdfLines(pdf).contains(fields.name))
    }

    @Test func versionChangesWithTheName() {
        let pledge = Fixtures.pledge(name: "Lan")
        var erased = pledge
        erased.name = nil
        let renderer = Fixtures.renderer
        let a = CertificateFields(pledge: pledge, configuration: Fixtures.configuration, links: Fixtures.links)
        let b = CertificateFields(pledge: erased, configuration: Fixtures.configuration, links: Fixtures.links)
        #expect(renderer.version(a) == renderer.version(a))
        #expect(renderer.version(a) != renderer.version(b))
    }
}

/// Writes sample documents to `.build/test-output/certificates/` for a person to look at.
@Test func writeSamples() throws {
    let folder = RepositoryPaths.root.appendingPathComponent(".build/test-output/certificates")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let fields = Fixtures.fields(name: vietnameseNames[4].nfd)
    for format in CertificateFormat.allCases {
        let name = format == .printPNG ? "sample-print.png" : "sample.\(format.fileExtension)"
        try Data(try Fixtures.renderer.render(fields, as: format)).write(to: folder.appendingPathComponent(name))
    }
    print("certificate samples: \(folder.path)")
}
