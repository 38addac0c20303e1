// `kiosk-bench qr` (B2): the certificate QR as `GET /c/{code}/qr.png` makes it (QRCode encode + PNG, in
// process) against libqrencode's encode alone (the floor) and against one `qrencode -o` process per code.
// Prints the Markdown table rows of `make bench` on stdout.
//
//   kiosk-bench qr [--count N] [--process-count M]
import ArgumentParser
import CQRencode
import Foundation
import KioskTestSupport
import PledgeKit
import QRCode

struct QRBenchOptions: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "qr", abstract: "B2: certificate QR codes.")

    func run() throws { try qrBench(self) }

    @Option(help: "Codes made in process.") var count = 2000
    @Option(help: "Codes made by the qrencode program, one process each (the baseline).") var processCount = 200

    func validate() throws {
        guard count >= 1, processCount >= 1 else { throw ValidationError("--count and --process-count ≥ 1") }
    }
}

func qrBench(_ options: QRBenchOptions) throws {
    // The route's text and parameters: CertificateLinks' capitals link, level M, 10 px a module, quiet zone 4.
    let links = try CertificateLinks(baseURL: "https://khongmotminh.example.vn")
    var generator = SplitMix64(seed: 20_251_010)
    let urls = (0..<options.count).map { _ in links.certificateURL(for: .random(using: &generator)) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-qr-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }

    // Each path must make a code that scans back to its URL, or its time means nothing.
    let sample = try QRCode(encoding: urls[0])
    let samplePNG = try sample.png()
    let inProcessPath = folder.appendingPathComponent("in-process.png").path
    try Data(samplePNG).write(to: URL(fileURLWithPath: inProcessPath))
    try expectScan(inProcessPath, urls[0])
    let processPath = folder.appendingPathComponent("qrencode.png").path
    try qrencodeProcess(urls[0], processPath)
    try expectScan(processPath, urls[0])

    func floor(_ url: String) -> Int {
        url.withCString { text in
            guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { fatalError("encode") }
            defer { QRcode_free(code) }
            return Int(code.pointee.width)
        }
    }
    func inProcess(_ url: String) throws -> Int { try QRCode(encoding: url).png().count }

    // Warm up, then alternate the two in rounds so that load from elsewhere hits both alike.
    var sink = 0
    for url in urls.prefix(100) { sink &+= floor(url) &+ (try inProcess(url)) }
    var floorTime = 0.0
    var inProcessTime = 0.0
    let round = 100
    log("encoding \(options.count) certificate URLs: libqrencode alone and encode + PNG, in rounds of \(round)…")
    for start in stride(from: 0, to: urls.count, by: round) {
        let slice = urls[start..<min(start + round, urls.count)]
        floorTime += seconds { for url in slice { sink &+= floor(url) } }
        inProcessTime += try seconds { for url in slice { sink &+= try inProcess(url) } }
    }
    let processCount = min(options.processCount, urls.count)
    log("running qrencode -o once per code, \(processCount) times…")
    let processTime = try seconds {
        for (index, url) in urls.prefix(processCount).enumerated() {
            try qrencodeProcess(url, folder.appendingPathComponent("\(index).png").path)
        }
    }
    log("(checksum \(sink))")

    let floorMicros = floorTime / Double(urls.count) * 1e6
    let inProcessMicros = inProcessTime / Double(urls.count) * 1e6
    let processMicros = processTime / Double(processCount) * 1e6
    let ratio = inProcessMicros / floorMicros
    let side = (sample.size + 8) * 10
    let shape =
        "version \(sample.version)-\(sample.level.letter), \(side)×\(side) px, \(samplePNG.count) B PNG, 1-bit gray"
    print(
        "| B2 QR encode + PNG of a certificate URL | in process: **\(f(inProcessMicros)) µs** a code "
            + "(\(f(1e6 / inProcessMicros, 0)) codes/s; \(urls.count) codes, \(shape); zbarimg reads it back) "
            + "| libqrencode encode alone (floor): **\(f(floorMicros)) µs** (\(f(1e6 / floorMicros, 0)) codes/s) "
            + "| **\(f(ratio, 2))×** | ≤ 3× floor: \(ratio <= 3 ? "met" : "not met") |")
    print(
        "| B2 QR vs one process per code | in process: \(f(inProcessMicros)) µs a code "
            + "| `qrencode -o FILE -s 10 -m 4 -l M` per code: **\(f(processMicros)) µs** "
            + "(\(processCount) processes) | **\(f(inProcessMicros / processMicros, 3))×** "
            + "(\(f(processMicros / inProcessMicros, 0))× faster) | |")
}

/// `qrencode -o PATH -s 10 -m 4 -l M TEXT`: the route's module size, quiet zone and level (8-bit hint,
/// case-sensitive: qrencode's defaults, like the route).
private func qrencodeProcess(_ text: String, _ path: String) throws {
    let status = try runProcess("/usr/bin/qrencode", ["-o", path, "-s", "10", "-m", "4", "-l", "M", text]).status
    guard status == 0 else { throw BenchError("qrencode exited with \(status)") }
}

/// zbarimg must read exactly `text` from the image at `path`.
private func expectScan(_ path: String, _ text: String) throws {
    let result = try runProcess("/usr/bin/zbarimg", ["-q", "--raw", path])
    let scanned = result.output.trimmingCharacters(in: .newlines)
    guard result.status == 0, scanned == text else {
        throw BenchError("zbarimg read \"\(scanned)\" (exit \(result.status)) from \(path), expected \(text)")
    }
}

private func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
