import Foundation
import PledgeKit
import QRCode

/// Fills a certificate template with a signer's fields and renders it to SVG, PNG or PDF, all in
/// this process. Sendable: it holds only parsed templates; each render makes its own C objects.
public struct CertificateRenderer: Sendable {
    public let templates: CertificateTemplates

    public init(templates: CertificateTemplates) {
        self.templates = templates
    }

    /// The filled SVG of the share layout (`print: false`) or the print layout.
    public func svg(_ fields: CertificateFields, print: Bool = false) throws(RenderError) -> String {
        var context = fields.context
        let qr = try QRPath.make(fields.url)
        context["qrPath"] = qr.path
        context["qrViewBox"] = qr.viewBox
        return (print ? templates.print : templates.share).render(context)
    }

    /// The document's bytes.
    public func render(_ fields: CertificateFields, as format: CertificateFormat) throws(RenderError) -> [UInt8] {
        switch format {
        case .svg:
            return Array(try svg(fields).utf8)
        case .png:
            let size = CertificateFormat.shareSize
            return try templates.share.png(Array(try svg(fields).utf8), width: size.width, height: size.height)
        case .printPNG:
            let size = CertificateFormat.printSize
            return try templates.print.png(
                Array(try svg(fields, print: true).utf8), width: size.width, height: size.height)
        case .pdf:
            let size = CertificateFormat.a4Landscape
            return try SVGRenderer.pdf(Array(try svg(fields, print: true).utf8), width: size.width, height: size.height)
        }
    }

    /// A short fingerprint of everything a document shows (fields and templates): it changes when
    /// a name is erased or a template edited, so it keys the cache and versions document links.
    public func version(_ fields: CertificateFields) -> String {
        let parts = [
            templates.digest, fields.name, fields.pledgeTitle, fields.eventName, fields.place, fields.date,
            fields.number, fields.code.rawValue, fields.url,
        ]
        return String(Digest.hex(Digest.crc64(parts, separator: 0x1F)).prefix(12))
    }
}

enum QRPath {
    /// The QR of `text` at level M as SVG path data and `viewBox`.
    static func make(_ text: String) throws(RenderError) -> (path: String, viewBox: String) {
        do {
            return try QRCode(encoding: text).pathData()
        } catch {
            throw RenderError(.drawFailed, "QR code: \(error)")
        }
    }
}
