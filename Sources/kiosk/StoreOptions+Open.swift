import CoreMetrics
import Foundation
import PledgeKit
import PledgeStore

extension StoreOptions {
    /// Opens (and migrates) the existing database, for organizer commands; checked first
    /// (``checkExistingDatabase(depth:)``), so a damaged file is refused unchanged.
    /// - Parameter links: the certificate links; nil: from `publicBaseURL`, else localhost.
    func openExistingStore(_ configuration: EventConfiguration, links: CertificateLinks? = nil) throws -> PledgeStore {
        guard FileManager.default.fileExists(atPath: database) else {
            let evidence = DatabaseMarker(database: database).evidence()
            guard evidence.isEmpty else { throw missingDatabase(evidence, canStartNew: false) }
            throw CLIError(
                "Chưa có cơ sở dữ liệu ở \(database); lời cam kết được lưu ở đó sau khi kiosk đã chạy.\n"
                    + "no database at \(database); pledges are stored there once the kiosk has run.")
        }
        try checkExistingDatabase()
        return try openStore(
            configuration: configuration,
            links: try links ?? CertificateLinks(baseURL: configuration.publicBaseURL ?? "http://localhost"))
    }

    /// Refuses a database that is empty, not SQLite, or damaged (``PledgeStore/check(path:depth:)``)
    /// before anything opens it read-write, with its path and the problem in both languages.
    func checkExistingDatabase(depth: PledgeStore.CheckDepth = .quick) throws {
        do {
            try PledgeStore.check(path: database, depth: depth)
        } catch {
            let advice =
                error.isDamaged
                ? Localized(
                    vi: "hãy khôi phục từ bản sao lưu, hoặc chuyển tệp đi chỗ khác để xem chuyện gì đã xảy ra.",
                    en: "restore it from a backup, or move it away to find out what happened.")
                : Localized(
                    vi: "hãy kiểm tra quyền của tệp và thư mục (SQLite cần ghi tệp -shm bên cạnh) và ổ đĩa có "
                        + "đang chỉ cho đọc không.",
                    en: "check the permissions of the file and its folder (SQLite writes a -shm index beside "
                        + "it) and whether the file system is read-only.")
            throw CLIError(
                """
                Không mở cơ sở dữ liệu \(database): tệp \(error.problem.vi). Tệp không bị thay đổi; \(advice.vi)
                cannot open the database \(database): it \(error.problem.en). It was not opened and not changed; \
                \(advice.en)
                """)
        }
    }

    /// The database for `kiosk serve` and `kiosk run`, by the store's first-use rule
    /// (``PledgeStore/serviceOpening(path:newDatabase:)``): an existing one is checked and opened;
    /// a missing one is made (``PledgeStore/createDatabase(path:eventID:kioskID:links:)``, linked
    /// into place when complete) only on the first use of its path or when `newDatabase` says so;
    /// otherwise it was deleted or moved, and starting would silently begin the event again at
    /// number 1: an error naming the path. The ``DatabaseMarker`` is written after it (and for a
    /// database made before markers existed, on its next start). The store counts into `metrics`
    /// (``MetricName``) and makes codes with `codeIssuer` (``PledgeStore/codeIssuer``).
    func openForService(
        configuration: EventConfiguration, links: CertificateLinks, newDatabase: Bool,
        whenGone: @escaping @Sendable (DatabaseGone) -> Void, metrics: (any MetricsFactory)? = nil,
        codeIssuer: CodeIssuer? = nil
    ) throws -> PledgeStore {
        let opening: ServiceOpening
        do { opening = try PledgeStore.serviceOpening(path: database, newDatabase: newDatabase) } catch {
            throw refusal(error)
        }
        switch opening {
        case .existing:
            try checkExistingDatabase()
        case .create:
            try prepareDatabaseFolder()
            let made: Bool
            do {
                made = try PledgeStore.createDatabase(
                    path: database, eventID: configuration.eventID, kioskID: configuration.kioskID, links: links)
            } catch {
                throw CLIError("cannot create the database \(database): \(error)")
            }
            // Another start made it meanwhile: that one is checked like any existing database.
            if !made { try checkExistingDatabase() }
        }
        let store: PledgeStore
        do {
            store = try PledgeStore(
                path: database, eventID: configuration.eventID, defaultKioskID: configuration.kioskID, links: links,
                whenGone: whenGone, metrics: metrics, codeIssuer: codeIssuer,
                retentionDeadline: configuration.retentionDeadline, feedsHub: configuration.hub != nil)
        } catch {
            throw CLIError("cannot open the database \(database): \(error)")
        }
        let marker = DatabaseMarker(database: database)
        do {
            try marker.writeIfMissing(eventID: configuration.eventID, replacing: newDatabase)
        } catch {
            try? store.close()
            throw CLIError("cannot write \(marker.path): \(error)")
        }
        return store
    }

    /// The words of a ``ServiceOpeningRefusal``, with the path and what to do, in both languages.
    private func refusal(_ refusal: ServiceOpeningRefusal) -> CLIError {
        switch refusal {
        case .newDatabaseOverExisting:
            return CLIError(
                """
                --new-database: đã có cơ sở dữ liệu ở \(database), và nó không bao giờ bị thay thế. Hãy \
                chạy không có --new-database để dùng tiếp, hoặc chuyển tệp đi nơi khác trước.
                --new-database: there is already a database at \(database), and it is never replaced. \
                Start without --new-database to go on with it, or move it away first.
                """)
        case .rescuedCopiesBeside(let rescued):
            return CLIError(
                """
                Bên cạnh \(database) có bản sao “rescued” do máy chủ ghi khi phát hiện cơ sở dữ liệu bị \
                mất; tệp hiện tại có thể thiếu những lời cam kết có trong bản sao. Hãy chuyển \(database) \
                cùng các tệp -wal, -shm đi nơi khác rồi đổi tên bản sao thành \(database); hoặc chuyển \
                bản sao đi nơi khác để tiếp tục với tệp hiện tại.
                a rescued copy is beside \(database): \(rescued.joined(separator: ", ")). The service wrote \
                it when it found the database gone, and the file now at the path may lack pledges the copy \
                holds. Move \(database) (and any -wal, -shm beside it) away and rename the copy to \
                \(database); or move the copy away to go on with the file at the path.
                """)
        case .missing(let evidence):
            return missingDatabase(evidence, canStartNew: true)
        case .leftoverWithoutDatabase(let leftover):
            return CLIError(
                """
                Có \(leftover) mà không có cơ sở dữ liệu \(database) của nó; hãy chuyển tệp \
                đó đi nơi khác trước khi tạo cơ sở dữ liệu mới ở đường dẫn này.
                \(leftover) is there without its database \(database); move it away before \
                a new database is made at that path.
                """)
        }
    }

    /// The database is missing, but `evidence` (``DatabaseMarker/evidence()``) shows it was here:
    /// deleted or moved. How to put it back; with `canStartNew` (`serve`, `run`), how to begin anew.
    private func missingDatabase(_ evidence: [String], canStartNew: Bool) -> CLIError {
        let orNew = Localized(
            vi: canStartNew ? ", hoặc chạy với --new-database để cố ý bắt đầu một cơ sở dữ liệu mới, trống" : "",
            en: canStartNew ? ", or start with --new-database to begin a new, empty database on purpose" : "")
        return CLIError(
            """
            Thiếu cơ sở dữ liệu \(database) dù thư mục này đã từng có nó: tệp đã bị xóa hoặc di chuyển. \
            Hãy đặt lại tệp (có thể đổi tên bản sao “rescued” thành \(database), sau khi chuyển các \
            tệp -wal, -shm còn sót ở đường dẫn đó đi nơi khác)\(orNew.vi).
            the database \(database) is missing, but this folder held it: \(evidence.joined(separator: "; ")). \
            It was deleted or moved\(canStartNew ? "; starting now would begin the event again at number 1" : ""). \
            Put it back \
            (a rescued copy can be renamed to \(database), once any -wal and -shm left at that path are \
            moved away: SQLite would replay them into it)\(orNew.en).
            """)
    }

    /// Opens the pledge database for this event (its checks done by the caller).
    func openStore(configuration: EventConfiguration, links: CertificateLinks) throws -> PledgeStore {
        do {
            return try PledgeStore(
                path: database, eventID: configuration.eventID, defaultKioskID: configuration.kioskID, links: links,
                retentionDeadline: configuration.retentionDeadline, feedsHub: configuration.hub != nil)
        } catch {
            throw CLIError("cannot open the database \(database): \(error)")
        }
    }
}

extension StoreOptions {
    /// After an erasure or purge: rescued copies beside the database, and the databases
    /// `kiosk restore --replace` set aside (`.before-restore-`), still hold the names it erased,
    /// and one put back at the path brings them back.
    func warnOfRescuedCopies() {
        let marker = DatabaseMarker(database: database)
        let copies = marker.rescuedCopies() + marker.copies(named: ".before-restore-")
        guard !copies.isEmpty else { return }
        printError(
            "Cảnh báo: các bản sao bên cạnh cơ sở dữ liệu (“rescued”, hoặc do kiosk restore để lại) vẫn còn tên "
                + "chưa bị xóa: \(copies.joined(separator: ", ")). Nếu đặt một bản vào chỗ cơ sở dữ liệu, hãy chạy "
                + "lại lệnh này; nếu không, hãy xóa chúng.\n"
                + "warning: copies beside the database (rescued, or set aside by kiosk restore) still hold the "
                + "names this erased: \(copies.joined(separator: ", ")). If you put one back as the database, run "
                + "this command again; otherwise delete them.")
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
