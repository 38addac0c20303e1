import ArgumentParser
import Foundation
import PledgeKit
import PledgeStore

/// `kiosk backup`: a consistent, verified copy of the database while the service keeps running.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the pledge database to a new file, verified, while kiosk serve or kiosk run keeps running.",
        discussion: """
            The copy is one snapshot of the database (SQLite VACUUM INTO on a read-only connection: \
            every pledge committed before it started, none half-written; the service is never stopped \
            or slowed for long). It is written under a hidden temporary name beside --output, synced, \
            checked (PRAGMA integrity_check, the schema, the number of pledges), then given its name; \
            readable by you only (0600: it holds names). The temporary files a killed copy left there \
            (.<name>.<pid>.partial, of a process no longer running) are deleted first. An existing file \
            is never replaced. Restore \
            one with kiosk restore. Erasures and the retention purge never reach this copy (only \
            the scheduled backups of event.yaml's backup: folder): keep it only as long as needed.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The new file to write (it must not exist; its folder must).")
    var output: String

    /// Printed after each copy: nothing that erases names later knows where it is.
    static let unreachableWarning =
        "Cảnh báo: bản sao này nằm ngoài lịch sao lưu, lệnh xóa tên và việc xóa khi hết hạn lưu giữ không với tới được; "
        + "chỉ giữ nó khi còn cần. · warning: this copy is outside the backup schedule: erasures and the retention "
        + "purge cannot reach it; keep it only as long as needed."

    func run() async throws {
        guard FileManager.default.fileExists(atPath: store.database) else {
            throw CLIError(
                """
                Không có cơ sở dữ liệu ở \(store.database) để sao lưu.
                no database at \(store.database) to back up.
                """)
        }
        // Temporary files of a copy that was killed hold names: gone before this one starts.
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        let abandoned = PledgeStore.removeAbandonedCopies(in: folder)
        if !abandoned.isEmpty {
            print(
                "Đã xóa tệp tạm của một lần sao lưu bị dừng giữa chừng: \(abandoned.joined(separator: ", ")). · "
                    + "removed the temporary files of an interrupted copy: \(abandoned.joined(separator: ", ")).")
        }
        let copy: DatabaseCopy
        do {
            copy = try PledgeStore.backup(database: store.database, to: output)
        } catch let damage as DatabaseDamage {
            throw CLIError(
                """
                Bản sao lưu không qua được bước kiểm tra: nó \(damage.problem.vi); không ghi gì ở \(output).
                the copy did not verify: it \(damage.problem.en); nothing was written at \(output).
                """)
        } catch {
            throw CLIError(
                """
                Không sao lưu được vào \(output) (\(error)); không ghi gì ở đó.
                cannot back up to \(output): \(error); nothing was written there.
                """)
        }
        print(
            """
            Đã sao lưu \(copy.pledges) lời cam kết (\(copy.bytes) byte) vào \(copy.path); integrity_check: ok.
            backed up \(copy.pledges) pledges (\(copy.bytes) bytes) to \(copy.path); integrity_check: ok.
            """)
        print(Self.unreachableWarning)
    }
}
