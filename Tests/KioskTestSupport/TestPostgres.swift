import Foundation

/// A fresh, empty PostgreSQL database for one test, on the cluster the `PG*` environment names
/// (the throw-away cluster `make test` starts with `pg_virtualenv`): created with a random name,
/// dropped when the test ends.
///
/// Without `PGHOST` and `PGPORT` the test fails, saying how to run it: a hub test never skips
/// silently.
public struct TestPostgres: Sendable {
    public let host: String
    public let port: Int
    public let user: String
    public let password: String?
    /// The test's own database.
    public let database: String

    /// `postgres://user:password@host:port/database`, the form `kiosk hub serve --database-url` takes.
    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.password = password
        components.host = host.hasPrefix("/") ? "" : host
        components.port = port
        components.path = "/" + database
        if host.hasPrefix("/") { components.queryItems = [URLQueryItem(name: "host", value: host)] }
        return components.string ?? ""
    }

    /// This process's environment with the `PG*` variables naming the test's database.
    public var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = host
        environment["PGPORT"] = String(port)
        environment["PGUSER"] = user
        environment["PGPASSWORD"] = password
        environment["PGDATABASE"] = database
        return environment
    }

    /// Why there is no cluster to test against.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `body` with a new database, dropped afterwards (its connections ended first).
    /// - Throws: ``Unavailable`` when the environment names no cluster or the database cannot be
    ///   created; what `body` throws.
    public static func withDatabase<T>(_ body: (TestPostgres) async throws -> T) async throws -> T {
        let database = try await create()
        do {
            let result = try await body(database)
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }

    /// A new database on the cluster of the `PG*` environment.
    public static func create() async throws -> TestPostgres {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["PGHOST"], let portText = environment["PGPORT"], let port = Int(portText) else {
            throw Unavailable(
                description: """
                    The hub tests need a PostgreSQL cluster named by PGHOST and PGPORT (unset here). Run them with \
                    `make test`, which starts a throw-away cluster with pg_virtualenv, or alone with \
                    `pg_virtualenv -t sh -c 'swift test --skip-build --filter HubStoreTests'`.
                    """)
        }
        let name = "kiosk_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let database = TestPostgres(
            host: host, port: port, user: environment["PGUSER"] ?? "postgres", password: environment["PGPASSWORD"],
            database: name)
        try await database.administer("CREATE DATABASE \(name)")
        return database
    }

    /// Drops the database, ending the connections still open to it.
    public func drop() async throws {
        try await administer("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
    }

    /// Runs `sql` with psql on the cluster's `postgres` database.
    public func administer(_ sql: String) async throws {
        var environment = self.environment
        environment["PGDATABASE"] = "postgres"
        try await psql(sql, environment: environment)
    }

    /// Runs `sql` with psql in the test's database; returns what it prints (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String) async throws -> String {
        try await psql(sql, environment: environment)
    }

    private func psql(_ sql: String, environment: [String: String]) async throws -> String {
        let result = try await offPool {
            try ProcessRunner.run(
                "psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], environment: environment)
        }
        guard result.status == 0 else {
            throw Unavailable(description: "psql failed (\(result.status)) on \(sql): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
