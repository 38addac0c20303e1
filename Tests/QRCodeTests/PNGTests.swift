import Foundation
import KioskTestSupport
import QRCode
import Testing

/// Reads a big-endian 32-bit value.
private func uint32(_ bytes: ArraySlice<UInt8>) -> Int {
    bytes.reduce(0) { $0 << 8 | Int($1) }
}

@Suite("PNG renderer (1-bit, zlib)")
struct PNGTests {
    @Test(
        "Signature, IHDR: square, (size + 2 × quiet zone) × module size, 1-bit grayscale; one IDAT",
        arguments: [
            (10, 4), (3, 4), (1, 0), (7, 9),
        ])
    func header(moduleSize: Int, quietZone: Int) throws {
        let code = try QRCode(encoding: Samples.certificateURL)
        let png = try code.png(moduleSize: moduleSize, quietZone: quietZone)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        let side = (code.size + 2 * max(quietZone, QRCode.minimumQuietZone)) * moduleSize
        #expect(uint32(png[16..<20]) == side)
        #expect(uint32(png[20..<24]) == side)
        #expect(png[24] == 1, "bit depth")
        #expect(png[25] == 0, "colour type 0 = grayscale")
        #expect(Array(png[37..<41]) == Array("IDAT".utf8))
        #expect(Array(png.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82], "IEND chunk")
    }

    @Test("Every module reads back exactly, through PIL, at the route's 10 pixels per module and at 1 and 3")
    func modulesReadBack() throws {
        let code = try QRCode(encoding: Samples.certificateURL)
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for moduleSize in [10, 1, 3] {
            let path = directory.appendingPathComponent("code-\(moduleSize).png").path
            try Data(try code.png(moduleSize: moduleSize)).write(to: URL(fileURLWithPath: path))
            // Both corners of every module (top left and bottom right pixel) and the quiet zone, as 1 = dark.
            let script = """
                import sys
                from PIL import Image
                image = Image.open(sys.argv[1]).convert("L")
                scale, quiet = int(sys.argv[2]), 4
                modules = image.size[0] // scale
                rows = []
                for y in range(modules):
                    row = ""
                    for x in range(modules):
                        a = image.getpixel((x * scale, y * scale))
                        b = image.getpixel((x * scale + scale - 1, y * scale + scale - 1))
                        row += "1" if a == 0 and b == 0 else ("0" if a == 255 and b == 255 else "?")
                    rows.append(row)
                print("\\n".join(rows))
                """
            let result = try ProcessRunner.run("python3", ["-c", script, path, "\(moduleSize)"])
            #expect(result.status == 0, "\(result.stderr)")
            let side = code.size + 8
            var expected: [String] = []
            for y in 0..<side {
                expected.append(String((0..<side).map { x in code[x - 4, y - 4] ? "1" : "0" }))
            }
            #expect(result.stdout.split(separator: "\n").map(String.init) == expected, "module size \(moduleSize)")
        }
    }

    @Test("Decodes to the exact text with zbarimg and zxing-cpp", arguments: Samples.roundTrip)
    func decodes(text: String) throws {
        let code = try QRCode(encoding: text)
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("code.png").path
        try Data(try code.png(moduleSize: 4)).write(to: URL(fileURLWithPath: path))
        try expectDecodes(path, to: text)
    }

    @Test("Pixels: quiet zone of ≥ 4 modules is white on every side, modules are 0 or 255, finder is black")
    func quietZonePixels() throws {
        let code = try QRCode(encoding: Samples.vietnamese)
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pngPath = directory.appendingPathComponent("code.png").path
        try Data(try code.png(moduleSize: 3, quietZone: 0)).write(to: URL(fileURLWithPath: pngPath))
        // Let PIL (a real PNG reader) decode the pixels and report the bounding box of the dark ones.
        let script = """
            import sys
            from PIL import Image
            image = Image.open(sys.argv[1])
            mode = image.mode
            image = image.convert("L")
            print(mode, image.size[0], image.size[1], sorted(set(image.getdata())), \
            Image.eval(image, lambda v: 255 - v).getbbox())
            """
        let result = try ProcessRunner.run("python3", ["-c", script, pngPath])
        #expect(result.status == 0, "\(result.stderr)")
        let side = (code.size + 8) * 3
        let inner = (4 * 3, 4 * 3, (code.size + 4) * 3, (code.size + 4) * 3)
        #expect(
            result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == "1 \(side) \(side) [0, 255] \(inner)"
        )
    }
}
