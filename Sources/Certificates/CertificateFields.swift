import Foundation
import PledgeKit

/// Everything a certificate shows, as text ready to print. Built from a stored pledge, the event
/// configuration and the links, so the page and every document show the same values.
public struct CertificateFields: Sendable, Hashable {
    public static let anonymousName = Localized(vi: "Người ký ẩn danh", en: "Anonymous signer")

    /// The display name as the signer chose it (NFC), or "Người ký ẩn danh".
    public var name: String
    public var isAnonymous: Bool
    public var pledgeTitle: String
    public var pledgeTitleEn: String
    public var eventName: String
    public var place: String
    /// The event's date, "10/10/2025", and in English, "10 October 2025".
    public var date: String
    public var dateEn: String
    /// The pledge number, "12.345", and the line "Người thứ 12.345 cam kết"; for a pledge made at
    /// the hub (``PledgeKit/Pledge/isMadeAtHub``), its place among the event's pledges made there,
    /// "Người thứ 3 cam kết qua trang chính thức".
    public var number: String
    public var numberLine: String
    public var code: CertificateCode
    /// The exact text of the certificate QR.
    public var url: String
    /// The official domain printed beside every QR, e.g. `khongmotminh.vn`.
    public var domain: String

    public init(pledge: Pledge, configuration: EventConfiguration, links: CertificateLinks) {
        self.name = pledge.name.map(VietnameseText.nfc) ?? Self.anonymousName.vi
        self.isAnonymous = pledge.name == nil
        self.pledgeTitle = configuration.pledgeText.vi.title
        self.pledgeTitleEn = configuration.pledgeText.en.title
        self.eventName = configuration.name
        self.place = configuration.place
        let date = configuration.displayDate
        self.date = date.vi
        self.dateEn = date.en
        if pledge.isMadeAtHub {
            // Counted among the event's pledges made at the official site, not as its billionth.
            self.number = VietnameseText.number(pledge.number - Pledge.hubNumberBase)
            self.numberLine = "Người thứ \(number) cam kết qua trang chính thức"
        } else {
            self.number = VietnameseText.number(pledge.number)
            self.numberLine = "Người thứ \(number) cam kết"
        }
        self.code = pledge.code
        self.url = links.certificateURL(for: pledge.code)
        self.domain = links.domain
    }

    /// A font size for the name that keeps up to 60 characters inside about 900 CSS pixels.
    public var nameSize: Int {
        let count = max(name.count, 1)
        return min(76, max(24, Int(900 / (0.6 * Double(count)))))
    }

    /// A font size for the grouped code in the share layout: 40 for a code of the first form (19
    /// characters grouped), smaller for the issued form (33) so it stays inside about 560 CSS pixels.
    public var codeSize: Int {
        min(40, Int(560 / (0.62 * Double(code.grouped.count))))
    }

    /// The values of the template placeholders (the QR's are added by the renderer).
    public var context: [String: Any] {
        [
            "name": name, "anonymous": isAnonymous, "nameSize": nameSize,
            "pledgeTitle": pledgeTitle, "pledgeTitleEn": pledgeTitleEn,
            "eventName": eventName, "place": place, "date": date, "dateEn": dateEn,
            "number": number, "numberLine": numberLine,
            "code": code.grouped, "codeSize": codeSize, "rawCode": code.rawValue, "url": url, "domain": domain,
        ]
    }
}
