import Foundation

/// Decodes QR codes in image files with two independent real-world decoders, run as subprocesses.
///
/// Both accept PNG and binary PGM (see ``GrayImage/writePGM(to:)``) and find the code anywhere in the image, even
/// with other content around it.
public enum QRDecoder {
    /// Why a decoder could not run.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The decoder tool is not installed.
        case toolMissing(String, hint: String)
        /// The decoder ran but failed (not the same as "no code found").
        case decoderFailed(String, status: Int32, stderr: String)
        /// The decoder's output could not be read.
        case unreadableOutput(String, output: String)

        public var description: String {
            switch self {
            case .toolMissing(let tool, let hint): "QR decoder '\(tool)' is not available: \(hint)"
            case .decoderFailed(let tool, let status, let stderr): "\(tool) failed with status \(status): \(stderr)"
            case .unreadableOutput(let tool, let output): "unreadable output from \(tool): \(output)"
            }
        }
    }

    /// Decodes the QR codes in an image with ZBar's `zbarimg`.
    ///
    /// Runs `zbarimg --raw -q -Sdisable -Sqrcode.enable -Sbinary <path>`: QR codes only, and `-Sbinary` returns the
    /// exact bytes of the symbol (no character-set guessing, no trailing newline), decoded here as UTF-8.
    /// With `-Sbinary` zbarimg does not separate several symbols, so an image is expected to hold at most one code.
    ///
    /// - Returns: The decoded text (one element), or an empty array when no code was found.
    /// - Throws: ``Failure``: `zbarimg` missing (package `zbar-tools`) or failing.
    public static func zbar(imageAt path: String) throws -> [String] {
        let tool = "zbarimg"
        guard ProcessRunner.isAvailable(tool) else {
            throw Failure.toolMissing(tool, hint: "install the zbar-tools package")
        }
        let result = try ProcessRunner.run(
            tool, ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", path]
        )
        switch result.status {
        case 0: return [result.stdout]
        case 4: return []  // zbarimg: "no symbols found"
        default: throw Failure.decoderFailed(tool, status: result.status, stderr: result.stderr)
        }
    }

    /// Decodes the QR codes in an image with zxing-cpp's Python binding (`zxingcpp.read_barcodes` on a PIL image).
    ///
    /// - Returns: The decoded texts, one per code found, in zxing-cpp's order; empty when none was found.
    /// - Throws: ``Failure``: `python3`, `zxingcpp` or PIL missing, or the script failing.
    public static func zxing(imageAt path: String) throws -> [String] {
        let tool = "python3"
        guard ProcessRunner.isAvailable(tool) else {
            throw Failure.toolMissing(tool, hint: "install python3 with the zxing-cpp and pillow packages")
        }
        let result = try ProcessRunner.run(tool, ["-c", zxingScript, path])
        switch result.status {
        case 0:
            break
        case 3:
            throw Failure.toolMissing("zxingcpp/PIL", hint: "pip install zxing-cpp pillow (\(result.stderr))")
        default:
            throw Failure.decoderFailed("zxing-cpp", status: result.status, stderr: result.stderr)
        }
        // The script prints one JSON array of strings (ASCII-escaped), so any text, multi-line included, survives.
        guard let data = result.stdout.data(using: .utf8),
            let texts = try? JSONDecoder().decode([String].self, from: data)
        else {
            throw Failure.unreadableOutput("zxing-cpp", output: result.stdout)
        }
        return texts
    }

    /// The Python program behind ``zxing(imageAt:)``: exit status 3 when a module is missing.
    static let zxingScript = """
        import json, sys
        try:
            import zxingcpp
            from PIL import Image
        except ImportError as error:
            print(error, file=sys.stderr)
            sys.exit(3)
        image = Image.open(sys.argv[1]).convert("L")
        results = zxingcpp.read_barcodes(image)
        print(json.dumps([result.text for result in results if result.valid]))
        """
}
