import ArgumentParser

/// The `kiosk` command: argument parsing only; each subcommand wires the parts.
@main
struct Kiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Pledge kiosk of the “Không một mình” (Not Alone) campaign.",
        discussion: """
            Ký cam kết “Không một mình”: a terminal front where attendees sign the pledge, an HTTP \
            service that stores pledges in SQLite and serves certificate pages and QR codes.
            """,
        // The one place of the release version: `kiosk --version`, and the .deb's version
        // (scripts/package asks the binary it packages).
        version: "0.12.0",
        subcommands: [
            Run.self, Serve.self, Front.self, Status.self, QR.self, Counts.self, Export.self, Purge.self, Erase.self,
            Find.self, CertificateCommand.self, CertificatesCommand.self, Poster.self, Check.self,
            Backup.self, Restore.self, HubCommand.self,
        ]
    )
}
