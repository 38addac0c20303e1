import Foundation
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

/// A progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    private var lastDrawn = -1

    init?(total: Int) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.total = max(total, 1)
    }

    func show(_ rows: Int) {
        let percent = min(100, rows * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
        FileHandle.standardError.write(
            Data("\r\(bar) \(percent)% \(VietnameseText.number(rows))/\(VietnameseText.number(total))".utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
