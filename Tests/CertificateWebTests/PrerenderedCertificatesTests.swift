import Certificates
import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import Testing

@testable import KioskPages

/// Certificate pages filled into a page pre-rendered per event and shape
/// (``PrerenderedCertificates``) are the bytes Mustache makes, whatever the pledge holds.
@Suite("Certificate pages pre-rendered per event")
struct PrerenderedCertificatesTests {
    static let links = try! CertificateLinks(baseURL: "https://khongmotminh.example.vn")

    static func configuration() throws -> EventConfiguration {
        try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
    }

    static func renderer(_ configuration: EventConfiguration) throws -> CertificateRenderer {
        CertificateRenderer(templates: try CertificateTemplates(folder: configuration.certificateTemplatesFolder))
    }

    static func pledge(name: String?, province: Province? = nil, number: Int = 42) -> Pledge {
        var generator = SystemRandomNumberGenerator()
        return Pledge(
            id: UUID(), eventID: "bench-event", kioskID: "kiosk-1", number: number, name: name, ageBand: .from18To24,
            province: province, school: nil, guardianConsent: false,
            createdAt: Date(timeIntervalSince1970: 1_760_000_000),
            code: CertificateCode.random(using: &generator))
    }

    static let names: [String?] = [
        nil, "Đỗ Hữu Nghĩa", #"</p><script>x</script> & "Lê" 'x'"#, "\"\u{301}onmouseover=x", "Lan \u{F8FF}0'",
        "Lan \u{F8FF}1&#39;", "{{name}}", "",
    ]

    @Test("The same bytes as Mustache, named and anonymous, with and without document links")
    func sameAsMustache() throws {
        let configuration = try Self.configuration()
        let pages = try PageTemplates(folder: configuration.templatesFolder)
        #expect(pages.certificates != nil)
        for renderer in [nil, try Self.renderer(configuration)] {
            for (index, name) in Self.names.enumerated() {
                let province = index.isMultiple(of: 2) ? nil : Province(matching: "Đà Nẵng")
                let page = CertificatePage(
                    pledge: Self.pledge(name: name, province: province, number: 1_000 + index),
                    configuration: configuration, links: Self.links, renderer: renderer)
                let html = String(decoding: pages.certificate(page), as: UTF8.self)
                #expect(html == pages.render("certificate", page.context))
                if let name, !name.isEmpty, renderer == nil {
                    #expect(html.contains(MarkupEscaping.escape(name)))
                }
            }
        }
        // Every shape was pre-rendered (none fell back to Mustache).
        let page = CertificatePage(
            pledge: Self.pledge(name: "Lan"), configuration: configuration, links: Self.links, renderer: nil)
        #expect(pages.certificates?.isPrerendered(page) == true)
    }

    @Test("An event whose values hold the placeholder's scalar or markup is rendered right")
    func oddEventValues() throws {
        var configuration = try Self.configuration()
        configuration.name = "Sự kiện \u{F8FF}0' <b>"
        configuration.place = "Nhà văn hóa \u{F8FF}1&#39;"
        let pages = try PageTemplates(folder: configuration.templatesFolder)
        for name in Self.names {
            let page = CertificatePage(
                pledge: Self.pledge(name: name), configuration: configuration, links: Self.links, renderer: nil)
            #expect(pages.certificate(page) == Array(pages.render("certificate", page.context).utf8))
            #expect(pages.certificates?.isPrerendered(page) == false)
        }
    }

    @Test("A template with a transform is rendered by Mustache")
    func transformsFallBack() throws {
        let configuration = try Self.configuration()
        let folder = temporaryDirectory("prerendered-templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: configuration.templatesFolder.path) {
            try FileManager.default.copyItem(
                at: configuration.templatesFolder.appendingPathComponent(file),
                to: folder.appendingPathComponent(file))
        }
        let certificate = folder.appendingPathComponent("certificate.mustache")
        let text = try String(contentsOf: certificate, encoding: .utf8)
        try text.replacingOccurrences(
            of: "<p class=\"name\">{{name}}</p>", with: "<p class=\"name\">{{uppercased(name)}}</p>"
        )
        .write(to: certificate, atomically: true, encoding: .utf8)
        let pages = try PageTemplates(folder: folder)
        #expect(pages.certificates == nil)
        let page = CertificatePage(
            pledge: Self.pledge(name: "Đỗ Hữu Nghĩa"), configuration: configuration, links: Self.links, renderer: nil)
        #expect(String(decoding: pages.certificate(page), as: UTF8.self).contains("<p class=\"name\">ĐỖ HỮU NGHĨA</p>"))
    }

    @Test("Placeholders are read back; a malformed one makes no skeleton")
    func skeletons() throws {
        let skeleton = try #require(PrerenderedCertificates.skeleton("a\u{F8FF}1'b\u{F8FF}0&#39;c", count: 2))
        let values = [CertificatePage.PledgeValue("x", "<0>"), CertificatePage.PledgeValue("y", "<1>")]
        #expect(String(decoding: PrerenderedCertificates.fill(skeleton, values), as: UTF8.self) == "a<1>b&lt;0&gt;c")
        #expect(PrerenderedCertificates.skeleton("a\u{F8FF}2'", count: 2) == nil)
        #expect(PrerenderedCertificates.skeleton("a\u{F8FF}'", count: 2) == nil)
        #expect(PrerenderedCertificates.skeleton("a\u{F8FF}1", count: 2) == nil)
    }
}

/// The time a certificate says it was issued, in Vietnam's time (UTC+7 all year).
@Suite struct IssuedTimeTextTests {
    @Test func theTimeOfDayAndTheDayAreVietnams() {
        // 2025-10-10 02:30 UTC, the campaign's launch morning.
        #expect(
            CertificatePage.vietnameseDateTime(Date(timeIntervalSince1970: 1_760_063_400))
                == "09:30 ngày 10/10/2025 (giờ Việt Nam)")
        // 17:00 UTC is midnight of the next day in Vietnam; a second before, the day before.
        #expect(
            CertificatePage.vietnameseDateTime(Date(timeIntervalSince1970: 1_760_115_600))
                == "00:00 ngày 11/10/2025 (giờ Việt Nam)")
        #expect(
            CertificatePage.vietnameseDateTime(Date(timeIntervalSince1970: 1_760_115_599.5))
                == "23:59 ngày 10/10/2025 (giờ Việt Nam)")
        // Before 1970 (a wrong clock) the arithmetic still gives a real time.
        #expect(
            CertificatePage.vietnameseDateTime(Date(timeIntervalSince1970: -3600))
                == "06:00 ngày 01/01/1970 (giờ Việt Nam)")
    }
}
