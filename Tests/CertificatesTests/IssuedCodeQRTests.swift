import Foundation
import KioskTestSupport
import PledgeKit
import QRCode
import Testing

/// A certificate link with a code of the issued form (27 characters) on a 30-character base is 60
/// characters of QR's alphanumeric mode: version 3 at level M holds 61, and the QR must stay that
/// small to scan off a phone's screen and a printed page.
@Suite("QR codes of issued certificate codes")
struct IssuedCodeQRTests {
    static let base = "https://cert-1.khongmotminh.vn"

    @Test func aLinkOnAThirtyCharacterBaseIsVersionThreeAtMAndDecodes() throws {
        #expect(Self.base.count == 30)
        let links = try CertificateLinks(baseURL: Self.base)
        let issuer = CodeIssuer(SyncToken.random(tag: CertificateCode.randomTag()))
        let directory = temporaryDirectory("issued-qr")
        defer { try? FileManager.default.removeItem(at: directory) }
        for index in 0..<8 {
            let code = issuer.newCode()
            let link = links.certificateURL(for: code)
            #expect(link == "HTTPS://CERT-1.KHONGMOTMINH.VN/C/\(code.rawValue)")
            #expect(link.count == 60)
            let qr = try QRCode(encoding: link, level: .medium)
            #expect(qr.version <= 3, "\(link)")
            let path = directory.appendingPathComponent("code-\(index).png").path
            try Data(try qr.png(moduleSize: 4)).write(to: URL(fileURLWithPath: path))
            #expect(try QRDecoder.zbar(imageAt: path) == [link])
        }
    }
}
