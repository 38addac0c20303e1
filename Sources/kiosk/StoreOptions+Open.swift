import Foundation
import PledgeKit
import PledgeStore

extension StoreOptions {
    /// Opens (and migrates) the existing database of the configured event, for organizer commands.
    func openExistingStore(_ configuration: EventConfiguration) throws -> PledgeStore {
        guard FileManager.default.fileExists(atPath: database) else {
            throw CLIError("no database at \(database); pledges are stored there once the kiosk has run.")
        }
        do {
            return try PledgeStore(
                path: database, eventID: configuration.eventID, defaultKioskID: configuration.kioskID,
                links: try CertificateLinks(baseURL: configuration.publicBaseURL ?? "http://localhost"))
        } catch {
            throw CLIError("cannot open the database \(database): \(error)")
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
