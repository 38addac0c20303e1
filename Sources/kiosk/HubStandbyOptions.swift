import ArgumentParser
import Foundation
import HubStore

/// `kiosk hub serve`'s read-only copy of its database: `--standby-url postgres://…` or
/// `KIOSK_HUB_STANDBY_URL` (what the URL leaves out, such as the password, comes from the `PG*`
/// variables, as for `--database-url`). Certificate reads and the reads of their events ask it first
/// (HubStore's `HubStandby`); docs/production.md.
struct HubStandbyOptions: ParsableArguments {
    @Option(
        help: """
            A hot standby of the hub's database (streaming replication), postgres://user@host:port/name, \
            that certificate reads (and their events) ask first; a miss, a failure or a slow answer asks the \
            primary. Also KIOSK_HUB_STANDBY_URL.
            """)
    var standbyURL: String?

    @Option(
        help: ArgumentHelp(
            "How long a read waits for the standby before it asks the primary (50–5000 ms).", valueName: "ms"))
    var standbyWait: Int = 1000

    /// The environment variable that names the standby when the option does not.
    static let variable = "KIOSK_HUB_STANDBY_URL"

    func validate() throws {
        guard (50...5000).contains(standbyWait) else {
            throw ValidationError(
                "--standby-wait phải từ 50 đến 5000 ms, không phải \(standbyWait) · --standby-wait must be 50–5000 ms, not \(standbyWait)."
            )
        }
    }

    /// The standby's connection settings, nil when none is named.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> HubStoreConfiguration?
    {
        guard let url = standbyURL ?? environment[Self.variable].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return nil
        }
        var configuration: HubStoreConfiguration
        do {
            configuration = try HubStoreConfiguration(url: url, environment: environment)
        } catch {
            throw CLIError("--standby-url: \(HubDatabaseOptions.text(error))")
        }
        configuration.deadline = .milliseconds(standbyWait)
        configuration.connectTimeout = .milliseconds(min(standbyWait, 1000))
        return configuration
    }
}
