import QRCode

extension QRCode {
    /// The dark modules as SVG path data in module units, quiet zone included, and the matching
    /// `viewBox`: a template draws `<svg viewBox="{{qrViewBox}}"><path d="{{qrPath}}"/></svg>`.
    func pathData(quietZone: Int = QRCode.minimumQuietZone) -> (path: String, viewBox: String) {
        let side = size + 2 * max(quietZone, QRCode.minimumQuietZone)
        return (svgPathData(quietZone: quietZone), "0 0 \(side) \(side)")
    }
}
