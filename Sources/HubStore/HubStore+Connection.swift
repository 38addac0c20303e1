import Foundation
import HubCore
import Logging
import PostgresNIO

extension HubStore {
    /// Connects once, outside the pool, and reads the session's `synchronous_commit`, so that a
    /// wrong host, port, database, user or password is told as it is, within the deadline
    /// (the pool would retry a failing connection until each call's deadline instead).
    /// - Throws: ``HubError`` `misconfigured` (no such host, database or user; a wrong password;
    ///   a server that commits without waiting for the disk), `unavailable` (nothing answers at
    ///   the host and port, or not in time).
    public func checkConnection() async throws(HubError) {
        let configuration = configuration
        let logger = logger
        do {
            let setting = try await Self.withDeadline(configuration.deadline) {
                let connection = try await PostgresConnection.connect(
                    configuration: Self.connectionConfiguration(configuration), id: 0, logger: logger)
                do {
                    let rows = try await Self.rows(
                        "SELECT current_setting('synchronous_commit')", on: connection, logger: logger)
                    try? await connection.close()
                    return try rows.first?.decode(String.self) ?? ""
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
            guard setting == "on" else {
                throw HubError(
                    .misconfigured,
                    vi: "PostgreSQL tại \(configuration) đặt synchronous_commit = \(setting); hub cần 'on'.",
                    en: "PostgreSQL at \(configuration) has synchronous_commit = \(setting); the hub needs 'on'.")
            }
        } catch {
            throw connectionFailure(error)
        }
    }

    static func connectionConfiguration(_ configuration: HubStoreConfiguration) throws
        -> PostgresConnection
        .Configuration
    {
        var connection: PostgresConnection.Configuration
        if let socketPath = configuration.socketPath {
            connection = .init(
                unixSocketPath: socketPath, username: configuration.user, password: configuration.password,
                database: configuration.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch configuration.tls {
            case .disable: tls = .disable
            case .require:
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = .none
                tls = .require(try NIOSSLContext(configuration: settings))
            case .verifyFull: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            connection = .init(
                host: configuration.host, port: configuration.port, username: configuration.user,
                password: configuration.password, database: configuration.database, tls: tls)
        }
        let (seconds, attoseconds) = configuration.connectTimeout.components
        connection.options.connectTimeout = .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        connection.options.additionalStartupParameters = startupParameters(configuration)
        return connection
    }

    /// What a failed first connection means, in words an operator can act on.
    func connectionFailure(_ error: any Error) -> HubError {
        let place = configuration.description
        if let error = error as? HubError { return error }
        if error is DeadlinePassed {
            return HubError(
                .unavailable,
                vi:
                    "PostgreSQL tại \(place) không trả lời trong \(configuration.deadline). Máy chủ có đang chạy không?",
                en: "PostgreSQL at \(place) did not answer within \(configuration.deadline). Is the server running?")
        }
        guard let error = error as? PSQLError else {
            return HubError(
                .misconfigured, vi: "Không kết nối được PostgreSQL tại \(place): \(error). \(Self.whereHint.vi)",
                en: "Could not connect to PostgreSQL at \(place): \(error). \(Self.whereHint.en)")
        }
        switch error.serverInfo?[.sqlState] {
        case "3D000":
            return HubError(
                .misconfigured, vi: "Không có cơ sở dữ liệu '\(configuration.database)' tại \(place).",
                en: "There is no database '\(configuration.database)' at \(place).")
        case "28P01", "28000":
            return HubError(
                .misconfigured,
                vi:
                    "PostgreSQL tại \(place) từ chối người dùng '\(configuration.user)': sai tên người dùng hoặc mật khẩu.",
                en: "PostgreSQL at \(place) refused the user '\(configuration.user)': wrong user name or password.")
        case .some(let state):
            logger.error("hub database refused the connection", metadata: ["postgres.sqlstate": "\(state)"])
            return HubError(
                .unavailable, vi: "PostgreSQL tại \(place) từ chối kết nối (SQLSTATE \(state)).",
                en: "PostgreSQL at \(place) refused the connection (SQLSTATE \(state)).")
        case nil: break
        }
        if error.code == .authMechanismRequiresPassword {
            return HubError(
                .misconfigured,
                vi: "PostgreSQL tại \(place) cần mật khẩu: đặt PGPASSWORD hoặc ghi mật khẩu vào địa chỉ.",
                en: "PostgreSQL at \(place) asks for a password: set PGPASSWORD or put it in the URL.")
        }
        let underlying = error.underlying.map { String(describing: $0) } ?? error.code.description
        if underlying.contains("dns") || underlying.contains("DNS") || underlying.contains("resolve") {
            return HubError(
                .misconfigured, vi: "Không tìm thấy máy '\(configuration.host)' (\(place)).",
                en: "The host '\(configuration.host)' was not found (\(place)).")
        }
        return HubError(
            .unavailable, vi: "Không kết nối được PostgreSQL tại \(place): \(underlying). \(Self.whereHint.vi)",
            en: "Could not connect to PostgreSQL at \(place): \(underlying). \(Self.whereHint.en)")
    }

    /// Where the hub's database is named, for an operator whose command found none there.
    static let whereHint = (
        vi: "Đặt --database-url hoặc các biến PG* (make hub ghi địa chỉ cụm của nó vào data/hub-database-url; "
            + "make hub-cluster vào data/hub-cluster/database-url).",
        en: "Set --database-url or the PG* variables (make hub writes its cluster's URL to data/hub-database-url; "
            + "make hub-cluster to data/hub-cluster/database-url)."
    )
}
