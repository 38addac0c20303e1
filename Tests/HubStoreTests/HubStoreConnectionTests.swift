import Foundation
import HubCore
import HubStore
import KioskTestSupport
import Logging
import PledgeKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Where the database is (a URL or the PG* variables), and what the hub says, fast, when it is
/// not there: a clear error, never a hang.
@Suite struct HubStoreConnectionTests {
    @Test func aURLGivesEveryPartAndTheEnvironmentTheRest() throws {
        let configuration = try HubStoreConfiguration(
            url: "postgres://hub:s%40cret@db.example.vn:6543/khongmotminh?sslmode=require",
            environment: ["PGHOST": "ignored", "PGPASSWORD": "ignored"])
        #expect(configuration.host == "db.example.vn")
        #expect(configuration.port == 6543)
        #expect(configuration.user == "hub")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "khongmotminh")
        #expect(configuration.tls == .require)
        #expect(configuration.description == "postgres://hub@db.example.vn:6543/khongmotminh")

        let fromEnvironment = try HubStoreConfiguration(
            url: nil, environment: ["PGHOST": "/run/pg", "PGPORT": "5433", "PGUSER": "u", "PGDATABASE": "d"])
        #expect(fromEnvironment.socketPath == "/run/pg/.s.PGSQL.5433")
        #expect(fromEnvironment.password == nil)
        let socketURL = try HubStoreConfiguration(url: "postgresql:///hub?host=/var/run/postgresql", environment: [:])
        #expect(socketURL.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(socketURL.database == "hub")
        // An IPv6 literal loses the brackets the URL needs (a breaker's [::1] was "not found").
        let ipv6 = try HubStoreConfiguration(url: "postgres://hub@[::1]:5491/hub", environment: [:])
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 5491)
    }

    @Test(arguments: [
        "mysql://hub@localhost/hub", "postgres://hub@localhost:99999/hub", "postgres://hub@localhost/hub?sslmode=allow",
        "postgres://hub@localhost/hub?options=x",
    ])
    func aWrongURLIsMisconfigured(url: String) {
        #expect {
            try HubStoreConfiguration(url: url, environment: [:])
        } throws: { error in
            (error as? HubError)?.kind == .misconfigured
        }
    }

    @Test func aClosedPortIsUnavailableAtOnce() async throws {
        let port = try closedPort()
        var configuration = HubStoreConfiguration(host: "127.0.0.1", port: port, user: "postgres", database: "hub")
        // A deadline no test run reaches: the error must be the refusal's, told at once, not the deadline's.
        configuration.deadline = .seconds(600)
        let error = await #expect(throws: HubError.self) {
            try await withHubStore(configuration) { _ in }
        }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.en.contains("Could not connect to PostgreSQL at \(configuration)") == true)
        #expect(error?.message.en.contains("data/hub-database-url") == true)
    }

    @Test func aHostThatDoesNotExistIsNamed() async throws {
        // `.invalid` never resolves (RFC 6761, 6.4).
        var configuration = HubStoreConfiguration(host: "hub-db.invalid", user: "postgres", database: "hub")
        configuration.deadline = .seconds(600)
        let error = await #expect(throws: HubError.self) { try await withHubStore(configuration) { _ in } }
        #expect(error?.kind == .misconfigured)
        #expect(error?.message.en.contains("The host 'hub-db.invalid' was not found") == true)
    }

    @Test func aServerThatNeverAnswersIsUnavailableAtTheDeadline() async throws {
        try await withSilentListener { port in
            var configuration = HubStoreConfiguration(host: "127.0.0.1", port: port, user: "postgres", database: "hub")
            configuration.deadline = .milliseconds(500)
            let error = await #expect(throws: HubError.self) {
                try await withHubStore(configuration) { _ in }
            }
            #expect(error?.kind == .unavailable)
            #expect(error?.message.en.contains("did not answer") == true)

            // A call of a running store too: its pool waits on the silent server until the deadline.
            let store = HubStore(configuration: configuration, logger: Logger(label: "hub-store-test"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                let call = await #expect(throws: HubError.self) { try await store.counts(event: nil) }
                #expect(call?.kind == .unavailable)
                group.cancelAll()
            }
        }
    }

    @Test func aCallWhileNothingListensIsRefusedBeforeItsDeadline() async throws {
        // A TCP port and a socket folder where no server is: the connect fails at once.
        let tcp = HubStoreConfiguration(host: "127.0.0.1", port: try closedPort(), user: "postgres", database: "hub")
        let socket = HubStoreConfiguration(
            host: temporaryDirectory("no-server").path, user: "postgres", database: "hub")
        for configuration in [tcp, socket] {
            var configuration = configuration
            // A deadline no run of this test reaches: the refusal's text came before it.
            configuration.deadline = .seconds(60)
            let store = HubStore(configuration: configuration, logger: Logger(label: "hub-store-test"))
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                let call = await #expect(throws: HubError.self) { try await store.counts(event: nil) }
                #expect(call?.kind == .unavailable)
                #expect(call?.message.en == "The hub cannot reach its database at the moment. Please try again later.")
                group.cancelAll()
            }
        }
    }

    @Test func aSocketFolderAsHostReachesTheServer() async throws {
        try await TestPostgres.withDatabase { database in
            let folders = try await database.psql("SHOW unix_socket_directories")
            let folder = try #require(folders.split(separator: ",").first.map(String.init))
            var configuration = try HubStoreConfiguration(
                url: nil,
                environment: [
                    "PGHOST": folder, "PGPORT": String(database.port), "PGUSER": database.user,
                    "PGDATABASE": database.database,
                ])
            configuration.deadline = TestPostgres.deadline
            #expect(configuration.socketPath == "\(folder)/.s.PGSQL.\(database.port)")
            // Over the socket the server answers for itself: it lets in the system user of its name
            // (peer authentication) and refuses, by name, any other (root in the tests).
            do {
                try await withHubStore(configuration) { _ in }
            } catch let error as HubError {
                #expect(error.kind == .misconfigured)
                #expect(error.message.en.contains("refused the user '\(database.user)'"))
            }
        }
    }

    @Test func aDatabaseThatDoesNotExistIsNamed() async throws {
        try await TestPostgres.withDatabase { database in
            var configuration = try database.hubConfiguration()
            configuration.database = database.database + "_missing"
            let error = await #expect(throws: HubError.self) { try await withHubStore(configuration) { _ in } }
            #expect(error?.kind == .misconfigured)
            #expect(error?.message.en.contains("no database '\(configuration.database)'") == true)
        }
    }

    @Test func aWrongPasswordOrUserIsNamed() async throws {
        try await TestPostgres.withDatabase { database in
            var configuration = try database.hubConfiguration()
            configuration.password = "wrong"
            let password = await #expect(throws: HubError.self) { try await withHubStore(configuration) { _ in } }
            #expect(password?.kind == .misconfigured)
            #expect(password?.message.en.contains("refused the user '\(configuration.user)'") == true)
            #expect(password?.message.en.contains("wrong") == true)
            configuration.user = "nobody_here"
            let user = await #expect(throws: HubError.self) { try await withHubStore(configuration) { _ in } }
            #expect(user?.kind == .misconfigured)
            // The password is never part of a message.
            #expect(user?.message.en.contains(database.password ?? "-") == false)
        }
    }
}

/// A TCP port on 127.0.0.1 where nothing listens (bound, then closed).
func closedPort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    return try bindLoopback(socket)
}

/// Runs `body` with a port where a socket listens (the kernel completes connections) but nothing
/// ever reads or answers: a server that hangs.
func withSilentListener<T>(_ body: (Int) async throws -> T) async throws -> T {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    let port = try bindLoopback(socket)
    guard listen(socket, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
    return try await body(port)
}

private func bindLoopback(_ socket: Int32) throws -> Int {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
    return Int(UInt16(bigEndian: address.sin_port))
}
