/// The documents a certificate is rendered to.
public enum CertificateFormat: String, CaseIterable, Sendable, Hashable {
    /// The share layout as SVG (1080×1350 CSS pixels, portrait).
    case svg
    /// The share layout as a 1080×1350 PNG, sized for Zalo and Facebook posts.
    case png
    /// The print layout (A4 landscape) as a 150 dpi PNG, 1754×1240.
    case printPNG = "print.png"
    /// The print layout as a one-page A4 landscape PDF, vector, fonts embedded.
    case pdf

    public var contentType: String {
        switch self {
        case .svg: "image/svg+xml"
        case .png, .printPNG: "image/png"
        case .pdf: "application/pdf"
        }
    }

    /// The file name extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .svg: "svg"
        case .png, .printPNG: "png"
        case .pdf: "pdf"
        }
    }

    /// Pixel size of the PNG formats.
    static let shareSize = (width: 1080, height: 1350)
    static let printSize = (width: 1754, height: 1240)
    /// A4 landscape in PDF points (297 × 210 mm).
    static let a4Landscape = (width: 841.89, height: 595.28)
}
