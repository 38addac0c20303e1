import Foundation
import ServerHardening

extension ServiceStartup {
    /// The lock of the one service on `database`: `DATABASE-service.lock` beside it, locked with
    /// `flock(2)` until this process ends.
    /// - Throws: `CLIError` when another service holds it (Vietnamese, then English), or the file
    ///   cannot be made.
    static func lockDatabase(_ database: String) throws -> ExclusiveFileLock {
        let path = database + "-service.lock"
        do {
            return try ExclusiveFileLock(path: path)
        } catch  where ExclusiveFileLock.isHeldElsewhere(error) {
            throw CLIError(
                "Một dịch vụ kiosk khác đang chạy trên cơ sở dữ liệu \(database); mỗi cơ sở dữ liệu chỉ một dịch vụ "
                    + "(dừng dịch vụ kia, hoặc dùng --database khác).\n"
                    + "another kiosk service is running on the database \(database); one service per database "
                    + "(stop the other, or use another --database).")
        } catch {
            throw CLIError("cannot lock the database \(database) (\(path)): \(error.localizedDescription)")
        }
    }
}
