import Certificates
import Foundation
import PledgeKit

/// The values the certificate page template can show (``PageTemplates/certificate(_:)``). Every
/// string from a signer goes through Mustache's escaping (`{{…}}`).
public struct CertificatePage: Sendable {
    let pledge: Pledge
    let configuration: EventConfiguration
    let links: CertificateLinks
    let renderer: CertificateRenderer?

    /// - Parameter renderer: where the page links the certificate's documents; nil: no links.
    public init(
        pledge: Pledge, configuration: EventConfiguration, links: CertificateLinks, renderer: CertificateRenderer?
    ) {
        self.pledge = pledge
        self.configuration = configuration
        self.links = links
        self.renderer = renderer
    }

    static let anonymousName = CertificateFields.anonymousName

    var context: [String: Any] {
        let text = configuration.pledgeText
        let fields = CertificateFields(pledge: pledge, configuration: configuration, links: links)
        var documents: [String: Any] = [:]
        if let renderer {
            let base = "/c/\(pledge.code.rawValue)"
            let version = renderer.version(fields)
            documents = [
                "pdf": "\(base).pdf?v=\(version)", "png": "\(base).png?v=\(version)",
                "printPNG": "\(base).png?size=print&v=\(version)", "svg": "\(base).svg?v=\(version)",
            ]
        }
        return [
            "documents": documents.isEmpty ? false : documents as Any,
            "domain": fields.domain,
            "numberLine": fields.numberLine,
            "name": pledge.name ?? Self.anonymousName.vi,
            "anonymous": pledge.name == nil,
            "number": VietnameseText.number(pledge.number),
            "code": pledge.code.grouped,
            "rawCode": pledge.code.rawValue,
            "certificateUrl": links.certificateURL(for: pledge.code),
            "eventName": configuration.name,
            "place": configuration.place,
            "date": configuration.displayDate.vi,
            "dateEn": configuration.displayDate.en,
            "issuedAt": Self.vietnameseDateTime(pledge.createdAt),
            "ageBand": pledge.ageBand.label.vi,
            "province": pledge.province?.name ?? "",
            "pledgeTitle": text.vi.title,
            "commitments": text.vi.commitments,
            "pledgeTitleEn": text.en.title,
            "commitmentsEn": text.en.commitments,
            "resources": configuration.resources.map(PageTemplates.context),
        ]
    }

    /// "09:30 ngày 10/10/2025 (giờ Việt Nam)": Vietnam keeps UTC+7 all year.
    static func vietnameseDateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = VietnamTime.zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%02d:%02d ngày %02d/%02d/%04d (giờ Việt Nam)", c.hour!, c.minute!, c.day!, c.month!, c.year!)
    }
}
