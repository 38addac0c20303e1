import Foundation
import HubCore

/// Where the hub's PostgreSQL database is and how long any call to it may take.
///
/// Read from a `postgres://` (or `postgresql://`) URL, from the standard `PG*` environment
/// variables of libpq (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE), or both: what
/// the URL leaves out comes from the environment, then from libpq's defaults (the socket folder
/// `/var/run/postgresql`, port 5432, the system user's name, a database named as the user).
/// A host that starts with `/` is the folder of the server's Unix socket, as in libpq.
public struct HubStoreConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// A host name or address, or the folder of the server's Unix socket (starts with `/`).
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The longest any call to the database may take, connecting included; past it the call
    /// fails with ``HubError`` `unavailable` (and the server stops the statement: statement_timeout).
    public var deadline: Duration = .seconds(5)
    /// The longest one connection attempt may take (within ``deadline``).
    public var connectTimeout: Duration = .seconds(3)
    /// The most connections the hub opens to the database.
    public var maximumConnections: Int = 16
    /// The most certificate reads under way at once; pages asked for meanwhile are read together,
    /// in one statement, when one ends (``HubStore/certificate(code:)``). One: under load the
    /// batches are then largest, and a first view cheapest (BENCHMARKS.md, H2); alone, a page is
    /// still read at once.
    public var certificateReadsInFlight: Int = 1
    /// How often the LISTEN connection of ``HubStore/listenForChanges()`` is checked with a
    /// query (a connection cut without a word would lose notifications unseen).
    public var changeHeartbeat: Duration = .seconds(5)
    /// How long ``HubStore/listenForChanges()`` waits before connecting again after a failure.
    public var changeRetryDelay: Duration = .seconds(1)

    /// TLS to the server (libpq's `sslmode`): `disable` (the default here, for a server on the
    /// same machine or network), `require` (encrypted, the certificate not checked) or
    /// `verify-full` (encrypted to a server whose certificate names the host).
    public enum TLSMode: String, Sendable, Equatable {
        case disable
        case require
        case verifyFull = "verify-full"
    }

    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        tls: TLSMode = .disable
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// The folder of the server's socket when ``host`` names one (starts with `/`), else nil.
    public var socketPath: String? {
        host.hasPrefix("/") ? "\(host)/.s.PGSQL.\(port)" : nil
    }

    /// Where the database is, without the password: `postgres://user@host:port/database`, for
    /// messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// The configuration from `url` when given, what it leaves out from `environment`'s `PG*`
    /// variables (and libpq's defaults).
    /// - Throws: ``HubError`` `misconfigured` naming what was wrong (a URL that is not
    ///   `postgres://`, a port that is not a number, an unknown `sslmode`, a list of hosts).
    public init(url: String?, environment: [String: String]) throws(HubError) {
        var parts = Parts()
        if let url { parts = try Parts(url: url) }
        func pick(_ value: String?, _ variable: String) -> String? {
            if let value, !value.isEmpty { return value }
            if let value = environment[variable], !value.isEmpty { return value }
            return nil
        }
        let host = pick(parts.host, "PGHOST") ?? "/var/run/postgresql"
        guard !host.contains(",") else {
            throw Self.misconfigured(
                vi: "chỉ hỗ trợ một máy chủ PostgreSQL, không phải danh sách '\(host)'",
                en: "one PostgreSQL host is supported, not the list '\(host)'")
        }
        let portText = pick(parts.port, "PGPORT") ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw Self.misconfigured(
                vi: "cổng PostgreSQL phải là một số từ 1 đến 65535, không phải '\(portText)'",
                en: "the PostgreSQL port must be a number from 1 to 65535, not '\(portText)'")
        }
        let user = pick(parts.user, "PGUSER") ?? ProcessInfo.processInfo.userName
        let database = pick(parts.database, "PGDATABASE") ?? user
        let modeText = pick(parts.sslmode, "PGSSLMODE") ?? "disable"
        guard let tls = TLSMode(rawValue: modeText) else {
            throw Self.misconfigured(
                vi: "sslmode phải là disable, require hoặc verify-full, không phải '\(modeText)'",
                en: "sslmode must be disable, require or verify-full, not '\(modeText)'")
        }
        self.init(
            host: host, port: port, user: user, password: pick(parts.password, "PGPASSWORD"), database: database,
            tls: tls)
    }

    static func misconfigured(vi: String, en: String) -> HubError {
        HubError(
            .misconfigured, vi: "Cấu hình cơ sở dữ liệu của hub sai: \(vi).",
            en: "The hub's database setting is wrong: \(en).")
    }
}

/// The parts of a connection URL (RFC 3986; libpq's form, `?host=` naming a socket folder too).
private struct Parts {
    var host: String?
    var port: String?
    var user: String?
    var password: String?
    var database: String?
    var sslmode: String?

    init() {}

    init(url text: String) throws(HubError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw HubStoreConfiguration.misconfigured(
                vi: "địa chỉ cơ sở dữ liệu phải có dạng postgres://người-dùng:mật-khẩu@máy:cổng/tên",
                en: "the database URL must look like postgres://user:password@host:port/name")
        }
        // An IPv6 literal is bracketed in a URL (RFC 3986, 3.2.2), not in a host to connect to.
        host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.map { host in
            host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        }
        port = components.port.map(String.init)
        user = components.user
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        for item in components.queryItems ?? [] {
            switch item.name {
            case "host": host = item.value
            case "port": port = item.value
            case "user": user = item.value
            case "password": password = item.value
            case "dbname": database = item.value
            case "sslmode": sslmode = item.value
            default:
                throw HubStoreConfiguration.misconfigured(
                    vi: "tham số '\(item.name)' trong địa chỉ cơ sở dữ liệu không được hỗ trợ",
                    en: "the database URL's parameter '\(item.name)' is not supported")
            }
        }
    }
}
