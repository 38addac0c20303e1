import ArgumentParser
import Foundation
import PledgeKit
import PledgeStore

/// `kiosk erase CODE`: erases one signer's name and school, as the certificate page lets them do.
struct Erase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase the name and school of the pledge with this certificate code; its count stays."
    )

    @Argument(help: "The certificate code, in any case, with or without dashes.")
    var code: String

    @OptionGroup var store: StoreOptions

    func run() async throws {
        guard let certificate = CertificateCode(parsing: code) else {
            throw CLIError("'\(code)' is not a certificate code (16 or 27 characters, e.g. 7KQ2-MX4P-9TZA-B3CD).")
        }
        let configuration = try store.loadConfiguration()
        let pledges = try store.openExistingStore(configuration)
        // The store empties the WAL after the erasure: the name leaves both files before this returns.
        let found: Bool
        do { found = try await pledges.erasePersonalData(code: certificate) } catch {
            throw CLIError("\(error.message.vi) · \(error.message.en)")
        }
        guard found else {
            throw CLIError("no pledge has the code \(certificate.grouped).")
        }
        print("Đã xóa tên khỏi giấy chứng nhận \(certificate.grouped). · Name erased.")
        // The scheduled backups of event.yaml keep the name until they are brought in line too.
        await ScheduledBackups.reconcileAndReport(configuration, store: pledges)
        try pledges.close()
        store.warnOfRescuedCopies()
    }
}
