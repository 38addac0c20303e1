import Certificates
import Foundation
import KioskTestSupport
import Testing

@Suite("Certificate templates are checked when loaded")
struct TemplateValidationTests {
    /// A copy of the default templates in a new folder, with `print.svg` replaced by `text`.
    func folder(print text: String) throws -> URL {
        let folder = temporaryDirectory("templates")
        for file in ["share.svg", "print.svg"] {
            try FileManager.default.copyItem(
                at: Fixtures.templatesFolder.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        try Data(text.utf8).write(to: folder.appendingPathComponent("print.svg"), options: .atomic)
        return folder
    }

    var original: String {
        get throws {
            try String(contentsOf: Fixtures.templatesFolder.appendingPathComponent("print.svg"), encoding: .utf8)
        }
    }

    func refusal(_ text: String) throws -> TemplateError {
        let folder = try folder(print: text)
        let error = try #require(throws: TemplateError.self) {
            try CertificateTemplates(folder: folder)
        }
        #expect(error.file == folder.appendingPathComponent("print.svg").path)
        #expect(error.description.hasPrefix(error.file + ": "))
        return error
    }

    @Test func theDefaultTemplatesLoad() throws {
        let templates = try CertificateTemplates(folder: Fixtures.templatesFolder)
        #expect(templates.share.fontFamilies == ["Noto Sans"])
        #expect(templates.print.size.width > templates.print.size.height)
    }

    @Test func missingPlaceholderIsRefused() throws {
        let error = try refusal(try original.replacingOccurrences(of: "{{numberLine}}", with: "Người thứ ? cam kết"))
        #expect(error.problem == "placeholder missing: {{numberLine}}")
    }

    @Test func badXMLIsRefused() throws {
        let error = try refusal(
            try original.replacingOccurrences(of: "Không một mình</text>", with: "Không một mình</txt>"))
        #expect(error.problem.hasPrefix("not well-formed SVG"), "\(error.problem)")
    }

    @Test func unescapedPlaceholderIsRefused() throws {
        let error = try refusal(try original.replacingOccurrences(of: "{{name}}", with: "{{{name}}}"))
        #expect(error.problem.contains("would not be escaped"))
    }

    @Test func missingFontIsRefused() throws {
        let error = try refusal(try original.replacingOccurrences(of: "Noto Sans", with: "Không Có Font Này"))
        #expect(error.problem.contains("font family 'Không Có Font Này' is not installed"), "\(error.problem)")
    }

    @Test func fontWithoutVietnameseIsRefused() throws {
        // fonts-noto-core's Noto Sans Georgian has Latin letters but no Vietnamese ones.
        guard FontCheck.problem(with: "Noto Sans Georgian")?.contains("not installed") == false else { return }
        let error = try refusal(try original.replacingOccurrences(of: "Noto Sans", with: "Noto Sans Georgian"))
        #expect(error.problem.contains("lacks Vietnamese letters"), "\(error.problem)")
    }
}

@Suite("Document cache")
struct DocumentCacheTests {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
        func increment() { lock.withLock { value += 1 } }
    }

    @Test func concurrentRequestsRenderOnceAndTheSizeIsBounded() async throws {
        let cache = DocumentCache(capacity: 1000)
        let renders = Counter()
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.document(for: "a") {
                        renders.increment()
                        Thread.sleep(forTimeInterval: 0.05)
                        return [UInt8](repeating: 1, count: 400)
                    }.etag
                }
            }
            var etags = Set<String>()
            for try await etag in group { etags.insert(etag) }
            #expect(etags.count == 1)
        }
        #expect(renders.value == 1)
        _ = try await cache.document(for: "b") { [UInt8](repeating: 2, count: 400) }
        _ = try await cache.document(for: "a") { [UInt8](repeating: 1, count: 400) }
        _ = try await cache.document(for: "c") { [UInt8](repeating: 3, count: 400) }
        let size = cache.size
        #expect(size.bytes <= 1000)
        #expect(size.count == 2)
        let statistics = cache.statistics
        #expect(statistics.evictions == 1)
        #expect(statistics.renders == 3)
    }

    @Test("removeDocuments(withPrefix:) drops exactly the keys of one code and frees their bytes")
    func removeByPrefix() async throws {
        let cache = DocumentCache(capacity: 10_000)
        for key in ["AAAA/page/1", "AAAA/qr.png", "AAAB/page/1", "AAAA.png"] {
            _ = try await cache.document(for: key) { [UInt8](repeating: 1, count: 100) }
        }
        #expect(cache.removeDocuments(withPrefix: "AAAA/") == 2)
        let size = cache.size
        #expect(size.count == 2 && size.bytes == 200)
        let renders = Counter()
        _ = try await cache.document(for: "AAAB/page/1") {
            renders.increment()
            return []
        }
        _ = try await cache.document(for: "AAAA/qr.png") {
            renders.increment()
            return [2]
        }
        #expect(renders.value == 1, "the kept key is still a hit, the removed one renders again")
    }
}
