import ArgumentParser

/// `kiosk-bench`: the in-process side of the benchmarks; each subcommand makes its own data and
/// measures its baseline in the same run (BENCHMARKS.md says which `make bench` target runs which).
@main
struct KioskBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-bench",
        abstract: "Benchmarks of the “Không một mình” kiosk, each against a baseline of the same run.",
        subcommands: [
            Certificates.self, Live.self, QR.self, Seed.self, Breakdown.self, HubIngest.self, LiveViewers.self,
            HubExact.self,
        ],
        defaultSubcommand: Certificates.self)

    struct Certificates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "B1: certificate PDF and PNG renders.")
        @OptionGroup var options: CertificateBenchOptions
        func run() async throws { try await certificateBench(options) }
    }

    struct Live: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "B6: the live counter's SSE viewers.")
        @OptionGroup var options: LiveBenchOptions
        func run() async throws { try await liveBench(options) }
    }

    struct QR: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "qr", abstract: "B2: certificate QR codes.")
        @OptionGroup var options: QRBenchOptions
        func run() throws { try qrBench(options) }
    }

    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A database of N seeded pledges.")
        @OptionGroup var options: SeedOptions
        func run() throws { try seedBench(options) }
    }

    struct Breakdown: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "B5: breakdowns against GROUP BY.")
        @OptionGroup var options: BreakdownOptions
        func run() async throws { try await breakdownBench(options) }
    }

    struct HubIngest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "H1: events uploading batches to hubs.")
        @OptionGroup var options: HubIngestOptions
        func run() async throws { try await hubIngestBench(options) }
    }

    struct LiveViewers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "H3: SSE viewers of the hubs' live counter (the total to wait for on stdin).")
        @OptionGroup var options: LiveViewersOptions
        func run() async throws { try await liveViewersBench(options) }
    }

    struct HubExact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "H4: exact counts under duplicates and kills.")
        @OptionGroup var options: HubExactOptions
        func run() async throws { try await hubExactBench(options) }
    }
}
