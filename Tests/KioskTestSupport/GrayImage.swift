import Foundation

/// An 8-bit grayscale image: 0 is black, 255 white.
public struct GrayImage: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Row-major pixels, `width * height` of them.
    public var pixels: [UInt8]

    /// Creates an image filled with one gray value.
    public init(width: Int, height: Int, fill: UInt8 = 255) {
        precondition(width >= 0 && height >= 0, "image size must not be negative")
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: fill, count: width * height)
    }

    /// The pixel at column `x`, row `y`; `(0, 0)` is the top-left pixel.
    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Fills a rectangle (clipped to the image) with one gray value.
    public mutating func fill(x: Int, y: Int, width rectWidth: Int, height rectHeight: Int, with value: UInt8) {
        let xRange = max(x, 0)..<min(x + rectWidth, width)
        let yRange = max(y, 0)..<min(y + rectHeight, height)
        guard !xRange.isEmpty else { return }
        for row in yRange {
            let start = row * width
            for column in xRange { pixels[start + column] = value }
        }
    }

    /// The image as a binary PGM ("P5") file, which zbarimg and PIL both read.
    public var pgmData: Data {
        var data = Data("P5\n\(width) \(height)\n255\n".utf8)
        data.append(contentsOf: pixels)
        return data
    }

    /// Writes the image as a binary PGM ("P5") file.
    public func writePGM(to path: String) throws {
        try pgmData.write(to: URL(fileURLWithPath: path))
    }
}
