import Foundation
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

// The names of the schedule's own backups, and the folder it may write to.
extension ScheduledBackups {
    /// The file name of the backup numbered `sequence`, taken at `now`.
    public func fileName(sequence: Int, at now: Date) -> String {
        "\(namePrefix)\(String(format: "%06d", sequence))-\(FileStamp.string(now)).sqlite"
    }

    /// `kiosk-<event id>-<kiosk id>-`: what every own name begins with.
    var namePrefix: String { "kiosk-\(store.eventID)-\(kioskID)-" }

    /// One of the schedule's own backups in ``folder``.
    struct OwnBackup {
        let name: String
        let sequence: Int
        /// The stamp in its name: the clock's at the time, which may have been wrong.
        let taken: Date
    }

    /// The sequence and stamp of a name ``fileName(sequence:at:)`` gives; nil for any other name.
    func parse(_ name: String) -> (sequence: Int, taken: Date)? {
        guard name.hasPrefix(namePrefix), name.hasSuffix(".sqlite") else { return nil }
        let parts = name.dropFirst(namePrefix.count).dropLast(".sqlite".count)
            .split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count >= 6, parts[0].allSatisfy({ ("0"..."9").contains($0) }),
            let sequence = Int(parts[0]), let taken = FileStamp.date(String(parts[1]))
        else { return nil }
        return (sequence, taken)
    }

    /// The names of this kiosk's own backups in ``folder``, oldest (lowest sequence) first; empty
    /// when the folder cannot be read. Own: the name ``fileName(sequence:at:)`` gives, the SQLite
    /// header, and this event in the `event` table (read-only; a file that cannot be read is not own).
    public func ownBackups() -> [String] {
        ((try? ownBackups(reading: ())) ?? []).map(\.name)
    }

    /// ``ownBackups()``, throwing when the folder cannot be read.
    func ownBackups(reading: Void) throws -> [OwnBackup] {
        try FileManager.default.contentsOfDirectory(atPath: folder).compactMap { name -> OwnBackup? in
            guard let (sequence, taken) = parse(name),
                PledgeStore.holdsEvent(
                    database: URL(fileURLWithPath: folder).appendingPathComponent(name).path, eventID: store.eventID)
            else { return nil }
            return OwnBackup(name: name, sequence: sequence, taken: taken)
        }.sorted { ($0.sequence, $0.name) < ($1.sequence, $1.name) }
    }

    /// Why ``folder`` is refused: it is on the database's own disk (same `st_dev`) and ``sameDisk``
    /// is not set; nil when allowed, or when either cannot be read (the copy then says why).
    func sameDiskRefusal() -> String? {
        guard !sameDisk else { return nil }
        var backup = stat()
        var database = stat()
        let databaseFolder = URL(fileURLWithPath: store.databasePath).deletingLastPathComponent().path
        guard stat(folder, &backup) == 0, stat(databaseFolder, &database) == 0, backup.st_dev == database.st_dev
        else { return nil }
        return "thư mục sao lưu \(folder) nằm trên cùng ổ đĩa với cơ sở dữ liệu — USB đã được gắn (mount) chưa? "
            + "(backup.sameDisk: true để cho phép) · the backup folder \(folder) is on the same disk as the "
            + "database — is the USB stick mounted? (backup.sameDisk: true allows it)"
    }
}
