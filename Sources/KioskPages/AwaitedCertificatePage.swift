import Certificates
import PledgeKit

/// The page of a genuine code whose pledge has not arrived yet (template
/// `Templates/awaited.mustache`, built in): "issued at EVENT, on its way", in Vietnamese and
/// English, with the official domain to check. The national hub shows it for a code its event
/// issued offline and has not synced (issue 14); it names no signer, as the hub knows none yet.
public struct AwaitedCertificatePage: Sendable {
    let code: CertificateCode
    let configuration: EventConfiguration
    let links: CertificateLinks

    /// - Parameters:
    ///   - code: the code asked for, which `configuration`'s event issued.
    ///   - configuration: the issuing event (its name, place and date).
    ///   - links: the site's certificate links (its domain is the one to check).
    public init(code: CertificateCode, configuration: EventConfiguration, links: CertificateLinks) {
        self.code = code
        self.configuration = configuration
        self.links = links
    }

    /// - Returns: the page, UTF-8 HTML.
    public static func html(_ page: AwaitedCertificatePage) -> String {
        BuiltInPages.render(
            "awaited",
            [
                "code": page.code.grouped,
                "rawCode": page.code.rawValue,
                "eventName": page.configuration.name,
                "place": page.configuration.place,
                "date": page.configuration.displayDate.vi,
                "dateEn": page.configuration.displayDate.en,
                "domain": page.links.domain,
            ])
    }
}
