import Foundation
import PledgeKit

/// The printable poster of safety resources (`poster.svg` in a certificate template folder):
/// one A4 portrait PDF page with every resource's name, purpose, QR, and its number or address
/// in large type.
public struct SafetyPoster: Sendable {
    /// Placeholders the poster template must contain (those of each resource are inside
    /// `{{#resources}}…{{/resources}}`).
    public static let placeholders = ["resources", "name", "purpose", "value", "qrPath", "qrViewBox", "y"]
    /// A4 portrait in PDF points.
    static let a4Portrait = (width: 595.28, height: 841.89)
    /// Vertical space per resource in the template's units.
    public static let rowHeight = 230

    public let template: SVGTemplate

    /// - Throws: ``TemplateError`` naming the file and the problem.
    public init(folder: URL) throws(TemplateError) {
        var sample = CertificateTemplates.sample
        sample["resources"] = [sample]
        self.template = try SVGTemplate(
            file: folder.appendingPathComponent("poster.svg"), placeholders: Self.placeholders, sample: sample)
    }

    /// The filled SVG: resources in the given order, one row each.
    public func svg(_ resources: [SafetyResource], title: Localized<String>? = nil) throws(RenderError) -> String {
        var rows: [[String: Any]] = []
        for (index, resource) in resources.enumerated() {
            let qr = try QRPath.make(resource.link)
            rows.append([
                "name": resource.name.vi, "nameEn": resource.name.en, "purpose": resource.purpose.vi,
                "purposeEn": resource.purpose.en, "value": resource.value, "link": resource.link,
                "qrPath": qr.path, "qrViewBox": qr.viewBox, "y": index * Self.rowHeight,
                // Large type that still fits about 490 units: 52 for "111", smaller for addresses.
                "valueSize": min(52, Int(490 / (0.62 * Double(max(resource.value.count, 1))))),
            ])
        }
        return template.render(["resources": rows])
    }

    /// The poster as a one-page A4 portrait PDF.
    public func pdf(_ resources: [SafetyResource]) throws(RenderError) -> [UInt8] {
        try SVGRenderer.pdf(
            Array(try svg(resources).utf8), width: Self.a4Portrait.width, height: Self.a4Portrait.height)
    }
}
