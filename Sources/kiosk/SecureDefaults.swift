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
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError(
                "Không đọc được tệp mã kiosk \(path).\ncannot read the kiosk token file \(path): "
                    + "\(error.localizedDescription)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: \.isWhitespace) else {
            throw CLIError(
                """
                Tệp mã kiosk \(path) rỗng hoặc không hợp lệ: hãy xóa tệp để kiosk tạo mã mới khi khởi động, \
                hoặc ghi đúng mã vào tệp.
                the kiosk token file \(path) is empty or not one token: delete it so a new token is made at \
                the next start, or write the token into it.
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
        // Written beside and renamed into place: a start cut short leaves no half-written token.
        try OutputFile.write(Array((token + "\n").utf8), to: path, personal: true)
        try PledgeStore.syncFolder(of: path)
        let notice = """
            Mã kiosk cho các máy kiosk khác / kiosk token for the fronts: \(token), kept in \(path)
              (kiosk front --kiosk-token-file <a copy of that file>, or KIOSK_KIOSK_TOKEN=<token>)

            """
        FileHandle.standardOutput.write(Data(notice.utf8))
        return token
    }
}
