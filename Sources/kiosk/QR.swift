import ArgumentParser
import Foundation
import QRCode

/// `kiosk qr TEXT`: a QR code of any text, for posters and checks.
struct QR: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a QR code (ISO/IEC 18004) of a text, as PNG, SVG or terminal text."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case png, svg, text }

    @Argument(help: "The text to encode, in UTF-8 (8-bit mode; capitals-only URLs use alphanumeric mode).")
    var text: String

    @Option(help: "Output format: png, svg or text.")
    var format: Format = .text

    @Option(help: "Error-correction level: L (7%), M (15%), Q (25%) or H (30%).")
    var level: String = "M"

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        if text.isEmpty {
            throw ValidationError(
                "TEXT trống: hãy nhập nội dung cần đưa vào mã QR · TEXT is empty: give the text to put in the QR code.")
        }
        if ErrorCorrectionLevel(letter: level) == nil {
            throw ValidationError(
                "--level phải là L, M, Q hoặc H, không phải '\(level)' · --level must be L, M, Q or H, not '\(level)'.")
        }
    }

    func run() throws {
        let code: QRCode
        do {
            code = try QRCode(
                encoding: text.precomposedStringWithCanonicalMapping, level: ErrorCorrectionLevel(letter: level)!)
        } catch {
            throw CLIError("cannot make a QR code: \(error)")
        }
        let bytes: [UInt8]
        switch format {
        case .png:
            do { bytes = try code.png() } catch { throw CLIError("cannot write PNG: \(error)") }
        case .svg: bytes = Array(code.svg().utf8)
        case .text: bytes = Array((code.terminalLines().joined(separator: "\n") + "\n").utf8)
        }
        if let output {
            try OutputFile.write(bytes, to: output)
            FileHandle.standardError.write(
                Data(
                    "QR version \(code.version), level \(code.level.letter), \(code.size)×\(code.size) modules → \(output)\n"
                        .utf8))
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
