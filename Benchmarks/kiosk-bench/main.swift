// kiosk-bench: the in-process side of the benchmarks; each subcommand makes its own data and
// measures its baseline in the same run.
//
//   kiosk-bench certificates [--count N] [--baseline-count M] [--http-count K] [--markdown FILE]
//   kiosk-bench live --port P [--viewers N] [--pledges M] [--connecting C] [--timeout SECONDS]
//   kiosk-bench qr [--count N] [--process-count M]
//   kiosk-bench seed --pledges N --seed S --database FILE [--event ID]
//   kiosk-bench breakdown --database FILE [--repeat N] [--baseline-repeat M] [--notes FILE]
//   kiosk-bench hub-ingest --hub http://HOST:PORT[,…] [--database-url URL] [--events N] [--batches B] [--rows R] …
//   kiosk-bench live-viewers --ports P1[,P2…] [--viewers N] [--times FILE]   (H3; the total to wait for on stdin)
//   kiosk-bench hub-exact --hub http://HOST:PORT --credentials FILE [--batches B] [--rows R] [--disturbed 0.1] …
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first.map { $0.hasPrefix("-") ? "certificates" : arguments.removeFirst() } ?? "certificates"
switch command {
case "certificates": try await certificateBench(CertificateBenchOptions(arguments))
case "live": try await liveBench(LiveBenchOptions(arguments))
case "qr": try qrBench(QRBenchOptions(arguments))
case "seed": try seedBench(SeedOptions(arguments))
case "breakdown": try await breakdownBench(BreakdownOptions(arguments))
case "hub-ingest": try await hubIngestBench(HubIngestOptions(arguments))
case "live-viewers": try await liveViewersBench(LiveViewersOptions(arguments))
case "hub-exact": try await hubExactBench(HubExactOptions(arguments))
default:
    log(
        "unknown benchmark \(command); known: certificates, live, qr, seed, breakdown, hub-ingest, live-viewers, hub-exact"
    )
    exit(2)
}
