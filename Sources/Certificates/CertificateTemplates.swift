import Foundation

/// The certificate templates of one event: a folder of `Certificates/` holding `share.svg`
/// (portrait, 1080×1350: SVG and PNG for phones) and `print.svg` (A4 landscape: PDF and the
/// print PNG). Both are checked when loaded, so a bad template stops the service at start-up.
public struct CertificateTemplates: Sendable {
    /// Placeholders each certificate template must contain.
    public static let placeholders = [
        "name", "pledgeTitle", "eventName", "place", "date", "numberLine", "code", "domain", "qrPath", "qrViewBox",
    ]

    public let folder: URL
    public let share: SVGTemplate
    public let print: SVGTemplate
    /// Changes whenever either file changes: part of every document's version.
    public let digest: String

    /// - Throws: ``TemplateError`` naming the file and the problem.
    public init(folder: URL) throws(TemplateError) {
        let sample = Self.sample
        let shareFile = folder.appendingPathComponent("share.svg")
        let printFile = folder.appendingPathComponent("print.svg")
        self.folder = folder
        let other = Self.otherSample
        self.share = try SVGTemplate(
            file: shareFile, placeholders: Self.placeholders, sample: sample, otherSample: other)
        self.print = try SVGTemplate(
            file: printFile, placeholders: Self.placeholders, sample: sample, otherSample: other)
        var bytes: [UInt8] = []
        for file in [shareFile, printFile] {
            bytes += Array((FileManager.default.contents(atPath: file.path) ?? Data()))
        }
        self.digest = Digest.hex(bytes)
    }

    /// Values used to check a template: the longest name allowed, markup characters, every
    /// Vietnamese diacritic that stacks, and a real QR.
    static var sample: [String: Any] {
        let qr = try? QRPath.make("HTTP://KIOSK.EXAMPLE.VN/C/7KQ2MX4P9TZAB3CD")
        return [
            "name": "Đặng <Thị> & \"Ngọc\" 'Ẩn' ệ ẫ ặ ư ơ đ Nguyễn Hữu Nghĩa Phạm", "anonymous": false, "nameSize": 40,
            "pledgeTitle": "Lời cam kết “Không một mình”", "pledgeTitleEn": "The “Not Alone” pledge",
            "eventName": "Lễ phát động <&>", "place": "Hà Nội", "date": "10/10/2025", "dateEn": "10 October 2025",
            "number": "12.345", "numberLine": "Người thứ 12.345 cam kết", "code": "7KQ2-MX4P-9TZA-B3CD",
            "codeSize": 40, "rawCode": "7KQ2MX4P9TZAB3CD", "url": "HTTP://KIOSK.EXAMPLE.VN/C/7KQ2MX4P9TZAB3CD",
            "domain": "kiosk.example.vn", "qrPath": qr?.path ?? "", "qrViewBox": qr?.viewBox ?? "0 0 37 37",
        ]
    }

    /// Values unlike ``sample``'s in every field: what layered templates are checked with.
    static var otherSample: [String: Any] {
        let qr = try? QRPath.make("HTTP://192.168.1.20:8080/C/K7M20123456789ABCDEFAGMRX3W")
        return [
            "name": "Lan", "anonymous": false, "nameSize": 76,
            "pledgeTitle": "Pledge", "pledgeTitleEn": "Pledge",
            "eventName": "Ngày hội", "place": "Huế", "date": "1/1/2026", "dateEn": "1 January 2026",
            "number": "1", "numberLine": "Người thứ 1 cam kết", "code": "K7M2-0123-4567-89AB-CDEF-AGMR-X3W",
            "codeSize": 27, "rawCode": "K7M20123456789ABCDEFAGMRX3W",
            "url": "HTTP://192.168.1.20:8080/C/K7M20123456789ABCDEFAGMRX3W",
            "domain": "192.168.1.20:8080", "qrPath": qr?.path ?? "", "qrViewBox": qr?.viewBox ?? "0 0 37 37",
        ]
    }
}
