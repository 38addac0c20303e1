import PledgeKit

/// What the service found when its database files left their path while it had them open.
public struct DatabaseGone: Sendable, CustomStringConvertible {
    /// The path the store opened.
    public let path: String
    /// What changed: the file deleted, moved away or replaced, or its `-wal` deleted or replaced.
    public let reason: String
    /// The copy of the open database (every committed pledge, the WAL's included) written beside
    /// `path` as `<path>.rescued-<UTC time>`, readable by owner and group only; nil when it could
    /// not be written.
    public let rescuePath: String?
    /// Why the copy could not be written, when it could not.
    public let rescueError: String?

    public var description: String {
        "\(path): \(reason); " + (rescuePath.map { "copy kept at \($0)" } ?? "no copy: \(rescueError ?? "?")")
    }
}

extension PledgeStore {
    /// The refusal of every pledge (and read) once the database files left their path.
    static let databaseGone = PledgeError(
        .databaseGone,
        vi: """
            Máy chủ đang gặp sự cố với tệp dữ liệu nên lúc này chưa lưu hay mở được lời cam kết. \
            Vui lòng báo ban tổ chức.
            """,
        en: """
            The service has lost its data file, so pledges cannot be saved or opened right now. \
            Please tell the organizers.
            """
    )
}
