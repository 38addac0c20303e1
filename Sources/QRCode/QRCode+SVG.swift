extension QRCode {
    /// Renders the symbol as a standalone SVG document (no XML declaration, so it can also be inlined in HTML).
    ///
    /// The document has a white background `<rect>` and exactly one black `<path>`, drawn with
    /// `shape-rendering="crispEdges"` so renderers do not anti-alias module edges. The `viewBox` is in modules and
    /// includes the quiet zone: `0 0 n n` with `n = size + 2 * quietZone`. Each horizontal run of dark modules is
    /// one closed subpath `M x y h length v1 h -length z`, in module units.
    ///
    /// - Parameters:
    ///   - moduleSize: The `width`/`height` of one module in CSS pixels (at least 1; smaller values are raised).
    ///   - quietZone: Light modules around the symbol on every side; values below ``minimumQuietZone`` (the
    ///     ISO/IEC 18004 quiet zone) are raised to it.
    /// - Returns: The SVG text, UTF-8 friendly ASCII.
    public func svg(moduleSize: Int = 8, quietZone: Int = 4) -> String {
        let quiet = Self.effectiveQuietZone(quietZone)
        let modulesPerSide = size + 2 * quiet
        let pixels = modulesPerSide * max(moduleSize, 1)
        let path = svgPathData(quietZone: quiet)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(modulesPerSide) \(modulesPerSide)" shape-rendering="crispEdges">\
            <rect width="\(modulesPerSide)" height="\(modulesPerSide)" fill="#ffffff"/>\
            <path fill="#000000" shape-rendering="crispEdges" d="\(path)"/>\
            </svg>

            """
    }

    /// The dark modules as SVG path data in module units, offset by `quietZone` (raised to at least
    /// ``minimumQuietZone``): one `M x y h… v1 h-… z` rectangle per horizontal run of dark modules.
    public func svgPathData(quietZone: Int = 4) -> String {
        let quiet = Self.effectiveQuietZone(quietZone)
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
                let length = x - start
                path += "M\(start + quiet) \(y + quiet)h\(length)v1h-\(length)z"
            }
        }
        return path
    }
}
