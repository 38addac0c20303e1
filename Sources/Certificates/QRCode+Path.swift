import QRCode

extension QRCode {
    /// The dark modules as SVG path data in module units, quiet zone included, and the matching
    /// `viewBox`: a template draws `<svg viewBox="{{qrViewBox}}"><path d="{{qrPath}}"/></svg>`.
    func pathData(quietZone: Int = QRCode.minimumQuietZone) -> (path: String, viewBox: String) {
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else {
                    x += 1
                    continue
                }
                let start = x
                while x < size, self[x, y] { x += 1 }
                path += "M\(start + quietZone) \(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        let side = size + 2 * quietZone
        return (path, "0 0 \(side) \(side)")
    }
}
