import Foundation
import KioskTestSupport
import QRCode
import Testing

/// Texts every renderer must round-trip exactly through both decoders.
enum Samples {
    static let mixedCaseURL = "https://Example.vn/Chung-Nhan?ma=AbC123"
    static let vietnamese = "Không một mình — Nguyễn Thị Ánh, Đặng Văn Lâm, ư ơ đ ệ ẫ ặ"
    static let certificateURL = "HTTP://192.168.100.200:8080/C/7KQ2MX4P9TZAB3CD"

    static let roundTrip = [mixedCaseURL, vietnamese, certificateURL]
}

/// Decodes an image file with zbarimg and zxing-cpp and expects exactly `text` from each.
func expectDecodes(_ path: String, to text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let zbar = try QRDecoder.zbar(imageAt: path)
    #expect(zbar == [text], "zbarimg on \(path)", sourceLocation: sourceLocation)
    let zxing = try QRDecoder.zxing(imageAt: path)
    #expect(zxing == [text], "zxing-cpp on \(path)", sourceLocation: sourceLocation)
}

/// A module grid (true = dark) painted as a PGM image, `scale` pixels per module, with no extra border.
func grayImage(grid: [[Bool]], scale: Int) -> GrayImage {
    let side = grid.count
    var image = GrayImage(width: side * scale, height: side * scale, fill: 255)
    for (y, row) in grid.enumerated() {
        for (x, dark) in row.enumerated() where dark {
            image.fill(x: x * scale, y: y * scale, width: scale, height: scale, with: 0)
        }
    }
    return image
}

/// The symbol's modules with a quiet zone around it, as rows.
func grid(of code: QRCode, quietZone: Int) -> [[Bool]] {
    let side = code.size + 2 * quietZone
    return (0..<side).map { y in (0..<side).map { x in code[x - quietZone, y - quietZone] } }
}

/// A directory for this test's files, removed by the caller.
func scratchDirectory() -> URL {
    temporaryDirectory("qrcode-tests")
}
