import Foundation
import PledgeKit

/// The printable poster that invites attendees to pledge on their own phones (issue 16):
/// `pledge-poster.svg` in a certificate template folder, one A4 portrait PDF page with the QR of
/// the web flow's entry (`BASE/P`, which asks for the presence code the event's screens show: a
/// printed page cannot carry a code that changes every few minutes), the link in words, the
/// steps, and the event.
public struct PledgePoster: Sendable {
    /// Placeholders the template must contain.
    public static let placeholders = ["qrPath", "qrViewBox", "link", "eventName", "eventNameSize", "eventDetails"]
    /// The template's file name in a certificate template folder.
    public static let fileName = "pledge-poster.svg"

    public let template: SVGTemplate

    /// - Throws: ``TemplateError`` naming the file and the problem.
    public init(folder: URL) throws(TemplateError) {
        let qr = try? QRPath.make("HTTP://192.168.100.200:8080/P")
        let sample: [String: Any] = [
            "qrPath": qr?.path ?? "", "qrViewBox": qr?.viewBox ?? "0 0 33 33",
            "link": "http://192.168.100.200:8080/p", "eventName": "Lễ phát động <&> “Không một mình” ệ ẫ ặ",
            "eventNameSize": 24, "eventDetails": "Hà Nội · 10/10/2025",
        ]
        self.template = try SVGTemplate(
            file: folder.appendingPathComponent(Self.fileName), placeholders: Self.placeholders, sample: sample)
    }

    /// The filled SVG.
    /// - Parameters:
    ///   - link: the flow's entry (``PresenceCodes/entryLink(on:)``): `qr` in the QR, `shown` in words.
    ///   - eventName: the event's name, drawn smaller when long so it stays on the page.
    ///   - eventDetails: its place and date, as the welcome screen writes them.
    /// - Throws: ``RenderError`` when the QR cannot be made.
    public func svg(link: (qr: String, shown: String), eventName: String, eventDetails: String)
        throws(RenderError) -> String
    {
        let qr = try QRPath.make(link.qr)
        return template.render([
            "qrPath": qr.path, "qrViewBox": qr.viewBox, "link": link.shown, "eventName": eventName,
            // Large type that still fits about 700 units: 30 for a short name, smaller for a long one.
            "eventNameSize": min(30, Int(700 / (0.6 * Double(max(eventName.count, 1))))),
            "eventDetails": eventDetails,
        ])
    }

    /// The poster as a one-page A4 portrait PDF.
    public func pdf(link: (qr: String, shown: String), eventName: String, eventDetails: String)
        throws(RenderError) -> [UInt8]
    {
        try SVGRenderer.pdf(
            Array(try svg(link: link, eventName: eventName, eventDetails: eventDetails).utf8),
            width: SafetyPoster.a4Portrait.width, height: SafetyPoster.a4Portrait.height)
    }
}
