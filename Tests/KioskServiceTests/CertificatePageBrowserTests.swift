import Foundation
import KioskTestSupport
import Testing

@Suite("The certificate page in headless Chromium at 390×844", .serialized)
struct CertificatePageBrowserTests {
    struct Measure: Decodable {
        let scrollWidth: Int
        let clientWidth: Int
        let lang: String
    }

    @Test(
        "No horizontal scrolling, lang=vi; the screenshot is saved",
        arguments: [
            ("long", "Nguyễn Thị Ngọc Ẩn Đặng Hữu Nghĩa Phạm Quốc Khánh Lê Văn Lâm"),
            ("anonymous", nil),
        ])
    func pageFitsAPhone(_ label: String, _ name: String?) async throws {
        let output = RepositoryPaths.root.appendingPathComponent(".build/test-output")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let screenshot = output.appendingPathComponent("certificate-page-390x844-\(label).png").path
        try await TestService.with(transport: .live) { server in
            let object: [String: Any] = ["name": name.map { $0 as Any } ?? NSNull(), "ageBand": "16-17"]
            let answer = try await server.postPledge(try JSONSerialization.data(withJSONObject: object))
            try #require(answer.status == 201)
            let receipt = try answer.json()
            let code = try #require(receipt["code"] as? String)
            let script = RepositoryPaths.root.appendingPathComponent("scripts/page-check.py").path
            let url = "http://127.0.0.1:\(server.port)/c/\(code)"
            // Off the cooperative pool: the server answering Chromium runs on it, in this process.
            let result = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(
                        with: Result { try ProcessRunner.run("python3", [script, url, "390", "844", screenshot]) })
                }
            }
            try #require(result.status == 0, "page-check: \(result.stderr)")
            let measure = try JSONDecoder().decode(Measure.self, from: Data(result.stdout.utf8))
            #expect(measure.lang == "vi")
            #expect(measure.clientWidth == 390)
            #expect(measure.scrollWidth <= measure.clientWidth, "horizontal scrolling: \(measure)")
        }
        #expect(FileManager.default.fileExists(atPath: screenshot))
        print("certificate page screenshot: \(screenshot)")
    }
}
