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

    /// Every value the template can show: the event's (``eventContext``) with the pledge's
    /// (``pledgeValues``) put in.
    var context: [String: Any] { Self.context(event: eventContext, pledge: pledgeValues) }

    /// The values one pledge's page shows that another page of the same event and shape may not:
    /// strings only (``PrerenderedCertificates`` puts a placeholder in each), always in this order.
    /// Those of `documents` (with a renderer) are read as `{{#documents}}{{png}}…{{/documents}}`.
    var pledgeValues: [PledgeValue] {
        let fields = CertificateFields(pledge: pledge, configuration: configuration, links: links)
        var values: [PledgeValue] = [
            .init("name", pledge.name ?? Self.anonymousName.vi),
            .init("numberLine", fields.numberLine),
            .init("number", fields.number),
            .init("code", pledge.code.grouped),
            .init("rawCode", pledge.code.rawValue),
            .init("certificateUrl", fields.url),
            .init("issuedAt", Self.vietnameseDateTime(pledge.createdAt)),
            .init("ageBand", pledge.ageBand.label.vi),
            .init("province", pledge.province?.name ?? ""),
        ]
        if let renderer {
            let base = "/c/\(pledge.code.rawValue)"
            let version = renderer.version(fields)
            values += [
                .init("pdf", "\(base).pdf?v=\(version)", inDocuments: true),
                .init("png", "\(base).png?v=\(version)", inDocuments: true),
                .init("printPNG", "\(base).png?size=print&v=\(version)", inDocuments: true),
                .init("svg", "\(base).svg?v=\(version)", inDocuments: true),
            ]
        }
        return values
    }

    /// The values every page of the event shows alike, and what the template's sections depend
    /// on (`anonymous`; `documents`, present with a renderer): a page's shape.
    var eventContext: [String: Any] {
        let text = configuration.pledgeText
        return [
            "documents": renderer == nil ? false as Any : [String: Any]() as Any,
            "domain": links.domain,
            "anonymous": pledge.name == nil,
            "eventName": configuration.name,
            "place": configuration.place,
            "date": configuration.displayDate.vi,
            "dateEn": configuration.displayDate.en,
            "pledgeTitle": text.vi.title,
            "commitments": text.vi.commitments,
            "pledgeTitleEn": text.en.title,
            "commitmentsEn": text.en.commitments,
            "resources": configuration.resources.map(PageTemplates.context),
        ]
    }

    /// `event` with `pledge`'s values put in (those of `documents` into its table).
    static func context(event: [String: Any], pledge: [PledgeValue]) -> [String: Any] {
        var context = event
        var documents = event["documents"] as? [String: Any]
        for value in pledge {
            if value.inDocuments { documents?[value.key] = value.value } else { context[value.key] = value.value }
        }
        if let documents { context["documents"] = documents }
        return context
    }

    /// One of a page's ``pledgeValues``.
    struct PledgeValue: Sendable {
        let key: String
        let value: String
        /// Read inside `{{#documents}}`.
        let inDocuments: Bool

        init(_ key: String, _ value: String, inDocuments: Bool = false) {
            self.key = key
            self.value = value
            self.inDocuments = inDocuments
        }
    }

    /// Every value ``eventContext`` is made of, written out in full (what a pre-rendered page
    /// is kept under): two pages whose event values or shape differ never share it.
    var shapeKey: ShapeKey {
        let text = configuration.pledgeText
        let date = configuration.date
        var key = ShapeKey()
        key.append(renderer == nil ? "-" : "documents")
        key.append(pledge.name == nil ? "anonymous" : "named")
        // The base the domain is read from, and the event's day as numbers (its display text is
        // made from them): both cheaper than what they stand for.
        key.append(links.baseURL)
        key.append("\(date.year)-\(date.month)-\(date.day)")
        for part in [configuration.name, configuration.place, text.vi.title, text.en.title] { key.append(part) }
        for list in [text.vi.commitments, text.en.commitments] {
            key.append("\(list.count)")
            for part in list { key.append(part) }
        }
        key.append("\(configuration.resources.count)")
        for resource in configuration.resources {
            for part in [
                resource.id, resource.name.vi, resource.name.en, resource.purpose.vi, resource.purpose.en,
                resource.value, resource.link, resource.kind == .phone ? "phone" : "-",
            ] {
                key.append(part)
            }
        }
        return key
    }

    /// The bytes of a list of strings, each after its length (so no two lists make the same
    /// bytes), hashed as bytes: a String key would be hashed in its normalized form, which cost
    /// more than filling in the page.
    struct ShapeKey: Hashable, Sendable {
        private(set) var bytes: [UInt8] = []

        mutating func append(_ part: String) {
            bytes.append(contentsOf: "\(part.utf8.count):".utf8)
            bytes.append(contentsOf: part.utf8)
        }

        /// Whether one of the parts holds `scalar`.
        func contains(_ scalar: Unicode.Scalar) -> Bool {
            let encoded = Array(String(scalar).utf8)
            guard bytes.count >= encoded.count else { return false }
            return (0...(bytes.count - encoded.count)).contains { start in
                bytes[start..<start + encoded.count].elementsEqual(encoded)
            }
        }

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// The calendar of Vietnam's time (made once: making a Calendar costs more than using it).
    static let vietnamCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = VietnamTime.zone
        return calendar
    }()

    /// "09:30 ngày 10/10/2025 (giờ Việt Nam)": Vietnam keeps UTC+7 all year.
    static func vietnameseDateTime(_ date: Date) -> String {
        let c = vietnamCalendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        // Not String(format:): it cost as much as the rest of a page's values.
        func padded(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(c.hour, 2)):\(padded(c.minute, 2)) ngày \(padded(c.day, 2))/\(padded(c.month, 2))/"
            + "\(padded(c.year, 4)) (giờ Việt Nam)"
    }
}
