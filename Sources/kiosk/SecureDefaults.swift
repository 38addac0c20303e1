import ArgumentParser
import Foundation
import PledgeKit
import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

/// `--developer-mode` of `kiosk run` and `kiosk front`: the only way to start a front without an
/// attendant PIN (issue 12, "secure defaults"). Without a PIN, Ctrl-C quits the kiosk at once, so
/// any attendee could leave the program; outside developer mode that configuration is refused.
struct DeveloperModeOptions: ParsableArguments {
    @Flag(
        help: """
            Start without an attendant PIN (kiosk.attendantPIN empty: Ctrl-C quits at once), as on a \
            developer's machine; the screen says it is in developer mode. Without this flag a \
            configuration without a PIN is refused.
            """)
    var developerMode = false

    /// Refuses a configuration without an attendant PIN unless in developer mode, before the
    /// terminal is touched.
    /// - Parameter config: the configuration file's path, named in the error.
    /// - Throws: ``CLIError`` in both languages, naming the key and the file.
    func requireAttendantPIN(_ configuration: EventConfiguration, config: String) throws {
        guard configuration.attendantPIN == nil, !developerMode else { return }
        throw CLIError(
            """
            Chưa đặt mã PIN cho nhân viên: hãy đặt kiosk.attendantPIN (4–12 chữ số) trong \(config), để \
            người tham dự không thể thoát kiosk bằng Ctrl-C. Trên máy của nhà phát triển, chạy với --developer-mode.
            no attendant PIN: set kiosk.attendantPIN (4–12 digits) in \(config), so that attendees cannot \
            quit the kiosk with Ctrl-C. On a developer's machine, start it with --developer-mode.
            """)
    }
}

/// The kiosk token kept in the data folder (`<database folder>/kiosk-token`): generated on the
/// first start of `kiosk serve` or `kiosk run` when neither `service.kioskToken` nor
/// `KIOSK_KIOSK_TOKEN` sets one, so the pledge and heartbeat routes of a LAN are never open by
/// default (issue 12). The file holds the token and a newline, mode 0600 (owner only).
enum KioskTokenFile {
    static let name = "kiosk-token"
    /// The shortest token a file may hold (a generated one has 32 characters).
    static let minimumLength = 16

    /// Writes `token` beside `path`, flushed to disk, then links it into place: a start cut short
    /// (a power cut) leaves no empty token file, and of two starts at once the first link wins.
    /// - Returns: false when a file appeared at `path` first (the caller reads that one).
    /// - Throws: ``CLIError`` when the file cannot be written.
    static func create(_ token: String, at path: String) throws -> Bool {
        let temporary = "\(path).\(getpid()).partial"
        func failure() -> CLIError {
            let reason = String(cString: strerror(errno))
            return CLIError(
                "Không ghi được tệp mã kiosk \(path): \(reason).\ncannot write the kiosk token file \(path)")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure() }
        defer { unlink(temporary) }
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = written == bytes.count && fsync(fd) == 0
        close(fd)
        guard synced else { throw failure() }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return false }
            throw failure()
        }
        try PledgeStore.syncFolder(of: path)
        return true
    }

    /// 128 bits from the system's secure generator (getrandom(2) on Linux, as
    /// `CertificateCode.random()` and `UUID.random()`), as 32 lowercase hex digits.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The token in the file at `path`: its text, trimmed.
    /// - Throws: ``CLIError`` when it cannot be read or holds no token.
    static func read(_ path: String) throws -> String {
        var isFolder: ObjCBool = false
        let reason: String? =
            !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            ? "không có tệp (hoặc liên kết hỏng) / no such file (or a broken link)"
            : isFolder.boolValue ? "đây là một thư mục / it is a folder" : nil
        guard reason == nil, let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(
                "Không đọc được tệp mã kiosk \(path): \(reason ?? "không có quyền đọc / not readable").\n"
                    + "cannot read the kiosk token file \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // At least 16 printable ASCII characters: a short or garbled file is a mistake, not a secret.
        guard token.utf8.count >= minimumLength, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw CLIError(
                """
                Tệp mã kiosk \(path) rỗng hoặc không hợp lệ (cần ít nhất \(minimumLength) ký tự ASCII in được, \
                không có khoảng trắng): hãy xóa tệp để kiosk tạo mã mới khi khởi động, hoặc ghi đúng mã vào tệp.
                the kiosk token file \(path) is empty or not one token (at least \(minimumLength) printable ASCII \
                characters, no spaces): delete it so a new token is made at the next start, or write the token into it.
                """)
        }
        return token
    }

    /// The kiosk token of a service whose configuration sets none: read from `kiosk-token` beside
    /// `database`, or generated, written there atomically with mode 0600 and printed once on
    /// standard output (never to the log, which is standard error) for the fronts.
    /// - Throws: ``CLIError`` when the file cannot be read or written, or holds the organizer token.
    static func tokenForService(database: String, organizerToken: String?) throws -> String {
        let path = URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: path) {
            let token = try read(path)
            guard token != organizerToken else {
                throw CLIError(
                    "Mã kiosk trong \(path) trùng với mã của ban tổ chức.\nthe kiosk token in \(path) must differ "
                        + "from the organizer token: fronts hold the kiosk token")
            }
            return token
        }
        let token = generate()
        // Another start on the same folder linked its token first: that one is the token.
        guard try create(token, at: path) else { return try read(path) }
        let notice = """
            Mã kiosk cho các máy kiosk khác · kiosk token for the fronts: \(token), kept in \(path)
              (kiosk front --kiosk-token-file <a copy of that file>, or KIOSK_KIOSK_TOKEN=<token>)

            """
        FileHandle.standardOutput.write(Data(notice.utf8))
        return token
    }
}
