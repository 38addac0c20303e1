/// Why an SVG document could not be turned into PNG or PDF.
public struct RenderError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// librsvg refused the document: not well-formed XML, or not SVG.
        case invalidSVG = "invalid-svg"
        /// cairo could not make or finish a surface (out of memory, bad size, write failure).
        case surfaceFailed = "surface-failed"
        /// librsvg could not draw the parsed document.
        case drawFailed = "draw-failed"
    }
    public let code: Code
    /// The library's own message, e.g. libxml2's "Opening and ending tag mismatch … line 3".
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
