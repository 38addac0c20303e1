import ArgumentParser

/// `kiosk-bench`: the in-process side of the benchmarks; each subcommand (its options type, in
/// the file of its benchmark) makes its own data and measures its baseline in the same run.
@main
struct KioskBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-bench",
        abstract: "Benchmarks of the “Không một mình” kiosk, each against a baseline of the same run.",
        subcommands: [
            CertificateBenchOptions.self, LiveBenchOptions.self, QRBenchOptions.self, SeedOptions.self,
            BreakdownOptions.self, HubIngestOptions.self, LiveViewersOptions.self, HubExactOptions.self,
        ],
        defaultSubcommand: CertificateBenchOptions.self)
}
