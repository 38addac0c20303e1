// `kiosk-bench certificates`: renders certificates in process and through `rsvg-convert` (one
// process per document), and times a cold and a warm `GET /c/{code}.png`. Makes its own data.
//
//   kiosk-bench certificates [--count N] [--baseline-count M] [--http-count K] [--markdown FILE]
import ArgumentParser
import Certificates
import Foundation
import Hummingbird
import KioskConfiguration
import KioskPages
import KioskService
import Logging
import PledgeKit
import PledgeStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

struct CertificateBenchOptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificates", abstract: "B1: certificate PDF and PNG renders.")

    func run() async throws { try await certificateBench(self) }

    @Option(help: "Certificates rendered in process.") var count = 1000
    @Option(help: "Certificates rendered by rsvg-convert (the baseline); at most --count.") var baselineCount: Int?
    @Option(help: "Certificates fetched over HTTP.") var httpCount = 50
    @Option(help: "Markdown file the results go to.") var markdown: String?
}

func certificateBench(_ options: CertificateBenchOptions) async throws {
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let configuration = try EventConfiguration.load(from: root.appendingPathComponent("Kiosk/event.yaml"))
    let links = try CertificateLinks(baseURL: "https://khongmotminh.example.vn")
    let templates = try CertificateTemplates(folder: configuration.certificateTemplatesFolder)
    let renderer = CertificateRenderer(templates: templates)

    let names = [
        "Nguyễn Thị Ánh", "Đặng Văn Lâm", "Đỗ Hữu Nghĩa", "Phạm Quốc Khánh", "Lê Thị Ngọc Ẩn", "Trần Minh Thư",
        "Hoàng Bảo Ngọc", "Vũ Đức Thắng",
    ]
    func fields(_ index: Int) -> CertificateFields {
        var generator = SystemRandomNumberGenerator()
        let pledge = Pledge(
            id: UUID(), eventID: configuration.eventID, kioskID: "bench", number: index + 1,
            name: index % 9 == 8 ? nil : "\(names[index % names.count]) \(index)", ageBand: .from18To24,
            province: nil, school: nil, guardianConsent: false, createdAt: Date(),
            code: CertificateCode.random(using: &generator))
        return CertificateFields(pledge: pledge, configuration: configuration, links: links)
    }

    let all = (0..<options.count).map(fields)
    log("rendering \(options.count) PDF and \(options.count) PNG certificates in process…")
    var bytes = 0
    let inPDF = try seconds { for item in all { bytes += try renderer.render(item, as: .pdf).count } }
    let inPNG = try seconds { for item in all { bytes += try renderer.render(item, as: .png).count } }

    // The same documents through rsvg-convert, one process per document.
    let baselineCount = min(options.baselineCount ?? options.count, options.count)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for (index, item) in all.prefix(baselineCount).enumerated() {
        try Data(try renderer.svg(item, print: true).utf8).write(to: folder.appendingPathComponent("p\(index).svg"))
        try Data(try renderer.svg(item).utf8).write(to: folder.appendingPathComponent("s\(index).svg"))
    }
    func rsvgConvert(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
    log("rendering \(baselineCount) PDF and \(baselineCount) PNG with rsvg-convert, one process each…")
    let outPDF = try seconds {
        for index in 0..<baselineCount {
            let path = folder.appendingPathComponent("p\(index)").path
            try rsvgConvert(["-f", "pdf", "-o", path + ".pdf", path + ".svg"])
        }
    }
    let outPNG = try seconds {
        for index in 0..<baselineCount {
            let path = folder.appendingPathComponent("s\(index)").path
            try rsvgConvert(["-f", "png", "-w", "1080", "-h", "1350", "-o", path + ".png", path + ".svg"])
        }
    }

    // Cold and warm GET /c/{code}.png over loopback.
    log("timing \(options.httpCount) cold and warm GET /c/{code}.png…")
    let store = try PledgeStore(
        path: folder.appendingPathComponent("bench.sqlite").path, eventID: configuration.eventID,
        defaultKioskID: "bench", links: links)
    var codes: [CertificateCode] = []
    for index in 0..<options.httpCount {
        let draft = PledgeDraft(
            name: names[index % names.count], ageBand: .from18To24, province: nil, school: nil, guardianConsent: false)
        codes.append(
            try await store.record(draft, idempotencyKey: try IdempotencyKey(UUID().uuidString), kioskID: nil).code)
    }
    let parts = KioskServiceParts(
        pledges: store, changes: store, configuration: configuration, links: links,
        pages: try PageTemplates(folder: configuration.templatesFolder), certificates: renderer)
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = buildApplication(parts, host: "127.0.0.1", port: 0, logger: logger) { continuation.yield($0) }
    let (cold, warm) = try await withThrowingTaskGroup(of: (Double, Double)?.self) { group in
        group.addTask {
            try await app.run()
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next()!
        func get(_ code: CertificateCode) async throws -> Double {
            let url = URL(string: "http://127.0.0.1:\(port)/c/\(code.rawValue).png")!
            let start = DispatchTime.now().uptimeNanoseconds
            let (data, response) = try await URLSession.shared.data(from: url)
            guard (response as? HTTPURLResponse)?.statusCode == 200, !data.isEmpty else {
                throw CocoaError(.fileReadUnknown)
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var cold = 0.0
        var warm = 0.0
        for code in codes { cold += try await get(code) }
        for code in codes { warm += try await get(code) }
        group.cancelAll()
        return (cold / Double(codes.count), warm / Double(codes.count))
    }
    try store.close()

    let pdfRatio = rate(options.count, inPDF) / rate(baselineCount, outPDF)
    let pngRatio = rate(options.count, inPNG) / rate(baselineCount, outPNG)
    let command =
        "kiosk-bench certificates --count \(options.count) --baseline-count \(baselineCount) --http-count \(options.httpCount)"
    let report = """
        | documents | in process | rsvg-convert, one process each | ratio |
        | --- | --- | --- | --- |
        | PDF, A4 landscape | \(options.count) in \(f(inPDF, 2)) s = \(f(rate(options.count, inPDF))) /s | \
        \(baselineCount) in \(f(outPDF, 2)) s = \(f(rate(baselineCount, outPDF))) /s | \(f(pdfRatio))× |
        | PNG, 1080×1350 | \(options.count) in \(f(inPNG, 2)) s = \(f(rate(options.count, inPNG))) /s | \
        \(baselineCount) in \(f(outPNG, 2)) s = \(f(rate(baselineCount, outPNG))) /s | \(f(pngRatio))× |

        | `GET /c/{code}.png` over loopback (\(options.httpCount) certificates) | mean latency |
        | --- | --- |
        | cold (rendered, then cached) | \(f(cold * 1000, 2)) ms |
        | warm (from the cache) | \(f(warm * 1000, 2)) ms |
        | cold / warm | \(f(cold / warm))× |

        5× goal: PDF \(pdfRatio >= 5 ? "met" : "not met"), PNG \(pngRatio >= 5 ? "met" : "not met"). \
        A PNG costs more than a PDF in process because cairo rasterizes 1.46 million pixels of \
        anti-aliased text and the image is compressed; a PDF only records vector commands and font \
        subsets, so the per-process start-up of rsvg-convert (fontconfig, librsvg) weighs more there.

        """
    print(report)
    if let path = options.markdown {
        let text = """
            ## Certificate rendering: in process vs. `rsvg-convert`

            Written by `make bench-certificates` (`\(command)`, release build, run from the repository
            root) on \(ISO8601DateFormatter().string(from: Date())), \(Machine.current.summary), shared with \
            other builds. Both sides render the same documents one at a time:
            in process through librsvg and cairo (`CertificateRenderer`), and with `rsvg-convert` from the
            same librsvg, one process per document, from the filled SVG on disk. Goal: at least 5× faster
            in process.

            \(report)
            """
        try MarkdownSection(name: "certificates").write(text, into: path)
        log("written to \(path)")
    }
}
