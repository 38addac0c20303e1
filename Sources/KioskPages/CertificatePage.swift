import Certificates
import Foundation
import PledgeKit
import Synchronization

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
        let date = configuration.date
        var key = ShapeKey()
        key.append(renderer == nil ? "-" : "documents")
        key.append(pledge.name == nil ? "anonymous" : "named")
        // The base the domain is read from, and the event's day as numbers (its display text is
        // made from them): both cheaper than what they stand for.
        key.append(links.baseURL)
        key.append("\(date.year)-\(date.month)-\(date.day)")
        key.append(configuration.name)
        key.append(configuration.place)
        key.bytes += Self.campaignPart(configuration.pledgeText, configuration.resources)
        return key
    }

    /// The pledge text and resources as ``ShapeKey`` parts. Every page of an event (at the hub,
    /// of every event) shows the same campaign, so the last one's bytes are kept and given again
    /// while the values are equal (a comparison that stops at once when they share storage, as
    /// copies of one configuration do): writing them out was a tenth of a first view at the hub.
    static func campaignPart(_ text: PledgeText, _ resources: [SafetyResource]) -> [UInt8] {
        if let last = lastCampaign.withLock({ $0 }), last.text == text, last.resources == resources {
            return last.bytes
        }
        var key = ShapeKey()
        for part in [text.vi.title, text.en.title] { key.append(part) }
        for list in [text.vi.commitments, text.en.commitments] {
            key.append("\(list.count)")
            for part in list { key.append(part) }
        }
        key.append("\(resources.count)")
        for resource in resources {
            for part in [
                resource.id, resource.name.vi, resource.name.en, resource.purpose.vi, resource.purpose.en,
                resource.value, resource.link, resource.kind == .phone ? "phone" : "-",
            ] {
                key.append(part)
            }
        }
        lastCampaign.withLock { $0 = (text, resources, key.bytes) }
        return key.bytes
    }

    private static let lastCampaign = Mutex<(text: PledgeText, resources: [SafetyResource], bytes: [UInt8])?>(nil)

    /// The bytes of a list of strings, each after its length (so no two lists make the same
    /// bytes), hashed as bytes: a String key would be hashed in its normalized form, which cost
    /// more than filling in the page.
    struct ShapeKey: Hashable, Sendable {
        var bytes: [UInt8] = []

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

        /// The count and the first 256 bytes, where the event's own values are (equal keys hash
        /// alike; the campaign's text after them is the same for nearly every key, and hashing
        /// it cost more than comparing it on a hit).
        func hash(into hasher: inout Hasher) {
            hasher.combine(bytes.count)
            bytes.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(256))) }
        }
    }

    /// "09:30 ngày 10/10/2025 (giờ Việt Nam)": Vietnam keeps UTC+7 all year, so the time of day
    /// is arithmetic (a Foundation calendar's components were a measurable part of a first view).
    static func vietnameseDateTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + VietnamTime.offsetSeconds
        let minute = (seconds % 86400 + 86400) % 86400 / 60
        func padded(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = CivilDate(inVietnamAt: date)
        return "\(padded(minute / 60)):\(padded(minute % 60)) ngày \(day.displayText.vi) (giờ Việt Nam)"
    }
}
