import ArgumentParser
import Foundation
import PledgeKit
import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk restore`: puts a backup back as the database, with the service stopped.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Put a backup (kiosk backup, or a scheduled one) back as the pledge database; stop the service first.",
        discussion: """
            In order: the backup is verified (PRAGMA integrity_check, the schema); a database still \
            open by a process (kiosk serve, kiosk run) is refused with that process's id; an existing \
            database is refused unless --replace, which moves it (and its -wal) aside to \
            <database>.before-restore-<UTC time>, never deleting it, and removes its stale -shm. The \
            backup is copied under a hidden temporary name, synced, verified again and then given the \
            database's name, and the marker .<name>.created is written, so kiosk serve starts on it. \
            With --replace, the erasures and the retention purge of the database it replaces are \
            applied to the copy first: an old backup never brings back an erased name.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The backup file to restore.")
    var from: String

    @Flag(help: "Move an existing database aside (<database>.before-restore-<UTC time>) instead of refusing.")
    var replace = false

    func run() async throws {
        let configuration = try store.loadConfiguration()
        let database = store.database
        guard FileManager.default.fileExists(atPath: from) else {
            throw CLIError(
                """
                Không có bản sao lưu \(from).
                no backup at \(from).
                """)
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: from, isDirectory: &isFolder), isFolder.boolValue {
            throw CLIError(
                """
                \(from) là một thư mục, không phải tệp sao lưu: hãy chỉ ra một tệp trong đó; không thay đổi gì.
                \(from) is a folder, not a backup file: name a file in it; nothing was changed.
                """)
        }
        do {
            _ = try PledgeStore.verifyCopy(at: from)
        } catch {
            throw CLIError(
                """
                Bản sao lưu \(from) \(error.problem.vi); không khôi phục, không thay đổi gì.
                the backup \(from) \(error.problem.en); nothing was restored or changed.
                """)
        }
        if let pid = PledgeStore.processHolding(database: database) {
            throw CLIError(
                """
                Cơ sở dữ liệu \(database) đang được một tiến trình mở (pid \(pid)); hãy dừng dịch vụ trước.
                the database \(database) is open in another process: stop the service first (pid \(pid)).
                """)
        }
        let leftovers = ["", "-wal"].map { database + $0 }.filter { Self.exists($0) }
        if !leftovers.isEmpty && !replace {
            throw CLIError(
                """
                Đã có \(leftovers.joined(separator: ", ")); chạy lại với --replace để chuyển sang bên cạnh \
                (không xóa) rồi khôi phục.
                there is already \(leftovers.joined(separator: ", ")); run again with --replace to move it \
                aside (it is never deleted) and restore.
                """)
        }
        try store.prepareDatabaseFolder()
        // The replaced database's erasures and purge, applied to a copy of the backup before it
        // goes in place (the same reconciliation the scheduled backups get).
        var source = from
        var reconciled: String?
        if Self.exists(database) {
            reconciled = try await Self.reconciledCopy(of: from, with: database, configuration: configuration)
            source = reconciled ?? from
        }
        defer {
            if let reconciled {
                for suffix in ["", "-journal", "-wal", "-shm"] { unlink(reconciled + suffix) }
            }
        }
        var aside: String?
        let copy: DatabaseCopy
        do {
            copy = try PledgeStore.backup(database: source, to: database) {
                aside = try Self.moveAside(database)
            }
        } catch let damage as DatabaseDamage {
            throw CLIError(
                """
                Bản chép từ \(from) không qua được bước kiểm tra: nó \(damage.problem.vi); không thay đổi gì.
                the copy of \(from) did not verify: it \(damage.problem.en); nothing was changed.
                """)
        } catch {
            let kept = aside.map { "; the old database is at \($0)" } ?? ""
            throw CLIError(
                """
                Không khôi phục được vào \(database).
                cannot restore to \(database): \(error)\(kept).
                """)
        }
        let marker = DatabaseMarker(database: database)
        do {
            try marker.writeIfMissing(eventID: configuration.eventID, replacing: false)
        } catch {
            throw CLIError("restored, but cannot write \(marker.path): \(error)")
        }
        if let aside {
            print("Cơ sở dữ liệu cũ ở \(aside). · The old database is at \(aside).")
        }
        print(
            """
            Đã khôi phục \(copy.pledges) lời cam kết từ \(from) vào \(database); integrity_check: ok. \
            Giờ có thể chạy kiosk serve.
            restored \(copy.pledges) pledge\(copy.pledges == 1 ? "" : "s") from \(from) to \(database); integrity_check: ok. kiosk serve \
            can start now.
            """)
    }

    /// A copy of `backup` beside `database` (hidden, 0600) with `database`'s erasures and retention
    /// purge applied (``PledgeStore/reconcile(copy:eventID:links:with:)``); prints what was applied.
    /// nil, with a warning, when `database` cannot be read (damaged): the backup goes in as it is.
    static func reconciledCopy(
        of backup: String, with database: String, configuration: EventConfiguration
    ) async throws -> String? {
        let url = URL(fileURLWithPath: database)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).restoring.\(getpid())").path
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
        let state: ErasureState
        do {
            state = try PledgeStore.erasureState(
                database: database, eventID: configuration.eventID,
                retentionDeadline: configuration.retentionDeadline)
        } catch {
            // A damaged database is the usual reason to restore: it must not block the restore.
            printError(
                """
                kiosk: cảnh báo: không đọc được các lần xóa tên của \(database); tên đã xóa sau lúc sao lưu có thể \
                có lại trong bản khôi phục: hãy chạy lại kiosk erase cho các tên đó.
                kiosk: warning: cannot read the erasures of \(database) (\(error)); names erased after the backup \
                was taken may be in the restored copy: run kiosk erase again for them.
                """)
            return nil
        }
        do {
            _ = try PledgeStore.backup(database: backup, to: temporary)
            let links = try CertificateLinks(baseURL: configuration.publicBaseURL ?? "http://localhost")
            let changed = try await PledgeStore.reconcile(
                copy: temporary, eventID: configuration.eventID, links: links, with: state)
            if changed {
                print(
                    "Đã áp dụng vào bản khôi phục các lần xóa tên của \(database). · "
                        + "The erasures of \(database) were applied to the restored copy.")
            }
            return temporary
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
            throw CLIError(
                """
                Không áp dụng được các lần xóa tên của \(database) vào bản khôi phục; không thay đổi gì.
                cannot apply the erasures of \(database) to the restored copy: \(error); nothing was changed.
                """)
        }
    }

    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Renames the database and its `-wal` (which may hold its last commits) to
    /// `<database>.before-restore-<UTC time>[-N]` (and that name's `-wal`, where SQLite looks for it),
    /// and removes its `-shm`, an index SQLite rebuilds: left at the path, the `-wal` would be
    /// replayed into the restored file. Returns the new name; nil when nothing was there.
    static func moveAside(_ database: String) throws -> String? {
        unlink(database + "-shm")
        guard exists(database) || exists(database + "-wal") else { return nil }
        let base = "\(database).before-restore-\(FileStamp.string(Date()))"
        var aside = base
        var attempt = 1
        while exists(aside) || exists(aside + "-wal") {
            attempt += 1
            aside = "\(base)-\(attempt)"
        }
        for suffix in ["", "-wal"] where exists(database + suffix) {
            guard rename(database + suffix, aside + suffix) == 0 else {
                throw CLIError("cannot move \(database + suffix) aside: \(String(cString: strerror(errno)))")
            }
        }
        try PledgeStore.syncFolder(of: database)
        return aside
    }
}
