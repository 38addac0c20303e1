import ArgumentParser
import Foundation
import KioskConfiguration
import PledgeKit
import PledgeStore

/// Options shared by the commands that open the event's database.
struct StoreOptions: ParsableArguments {
    @Option(help: "The event configuration file (YAML).")
    var config: String = "Kiosk/event.yaml"

    @Option(
        help: "The SQLite file of pledges (kiosk serve and kiosk run create it only on the first use of its path).")
    var database: String = "data/kiosk.sqlite"

    func loadConfiguration() throws -> EventConfiguration {
        do {
            return try EventConfiguration.load(from: URL(fileURLWithPath: config))
        } catch let error as ConfigurationError {
            throw CLIError("configuration: \(error)")
        }
    }

    /// Creates the database's folder, so a fresh clone runs without set-up.
    func prepareDatabaseFolder() throws {
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot create the database folder \(folder.path): \(error.localizedDescription)")
        }
    }
}

/// Options of the commands that serve HTTP.
struct ServiceOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(help: "The address to listen on (default: the configuration's, usually 0.0.0.0).")
    var host: String?

    @Option(help: "The TCP port to listen on; 0 picks a free port (default: the configuration's).")
    var port: Int?

    @Flag(
        help: """
            Create a new, empty database at --database although this path held one before (its marker \
            .<name>.created or a rescued copy is beside it): without this flag a missing database is an \
            error, never a silent new event. Never replaces an existing file.
            """)
    var newDatabase = false

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError(
                "--port phải từ 0 đến 65535, không phải \(port) · --port must be 0–65535, not \(port).")
        }
    }
}

/// A command-line failure: printed as "Error: …" and the command exits non-zero.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// A ``PledgeError``'s message, Vietnamese then English, after `what` (an option, a file).
    init(_ error: PledgeError, _ what: String? = nil) {
        let message = "\(error.message.vi) · \(error.message.en)"
        description = what.map { "\($0): \(message)" } ?? message
    }
}
