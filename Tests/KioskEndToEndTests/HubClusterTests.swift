import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 15's must-show "the loopback cluster (two hubs behind nginx with TLS, PostgreSQL primary
/// and standby): certificate pages through nginx from either hub; a pledge synced through one hub
/// appears on the other's live counter; the standby serves reads and a miss falls back to the
/// primary", on what `make hub-cluster` starts (scripts/hub-cluster), in a temporary folder.
///
/// Two real event services sync through one hub each. Which hub answered is nginx's
/// `$upstream_addr` (the demo configuration's `X-Upstream`). That the standby serves reads is
/// shown by pausing its replay: a public count read there stays behind while the certificate of
/// the pledge it lacks is still found (the miss is asked of the primary); with the standby
/// stopped, every read is the primary's. Runs alone after the other suites (Makefile).
@Suite("make hub-cluster: two hubs behind nginx, a PostgreSQL primary and hot standby", .serialized)
struct HubClusterTests {
    @Test func certificatesFromEitherHubLiveCountsAcrossHubsAndStandbyReadsWithFallback() async throws {
        let started = ContinuousClock.now
        let cluster = try await StartedHubCluster.start()
        print("hub-cluster: started in \(ContinuousClock.now - started)")
        do {
            try await Self.exercise(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        // nginx's master killed without a word: `stop` still ends its workers, which hold the port.
        let master = try String(contentsOf: cluster.data.appendingPathComponent("nginx/nginx.pid"), encoding: .utf8)
        if let pid = pid_t(master.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
        await cluster.stop()
        print("hub-cluster: the whole test took \(ContinuousClock.now - started)")
    }

    static func exercise(_ cluster: StartedHubCluster) async throws {
        let hub1 = try cluster.port("HUB1_PORT")
        let hub2 = try cluster.port("HUB2_PORT")
        let standbyPort = try cluster.port("STANDBY_PORT")
        #expect(cluster.printed.contains("scripts/hub-cluster stop"), "\(cluster.printed)")
        #expect(cluster.printed.contains("--cacert \(cluster.ca)"), "\(cluster.printed)")
        // The standby is one: in recovery, streaming from the primary.
        #expect(try await cluster.sql(port: standbyPort, "SELECT pg_is_in_recovery()") == "t")

        // TLS: verified with the cluster's CA, refused without it.
        let unverified = try await cluster.fetch("/readyz", verify: false)
        #expect(unverified.exit == 60, "curl without the CA: \(unverified.exit)")

        // Two events, each synced by a real event service through one hub.
        let tokenA = try await cluster.addEvent("cluster-a", province: "Hà Nội")
        let tokenB = try await cluster.addEvent("cluster-b", province: "Đà Nẵng")
        let eventA = try await cluster.startEvent("cluster-a", token: tokenA, hubPort: hub1)
        let eventB = try await cluster.startEvent("cluster-b", token: tokenB, hubPort: hub2)

        // The live counter of hub 2, directly, and through nginx (unbuffered: its first message
        // arrives while the stream is open).
        let viewer = try await offPool { try SSEClients(port: hub2, count: 1) }
        defer { viewer.close() }
        let throughNginx = try StreamingCurl(url: cluster.base + "/live/events", ca: cluster.ca)
        let (first, fromB): (String, String)
        do {
            (first, fromB) = try await Self.liveAcrossHubs(
                cluster, viewer: viewer, throughNginx: throughNginx, events: (eventA, eventB))
        } catch {
            await throughNginx.stop()
            throw error
        }
        await throughNginx.stop()

        // Certificate pages through nginx over TLS: both hubs answer (round-robin).
        var upstreams = Set<String>()
        for _ in 0..<4 {
            let page = try await cluster.fetch("/c/\(first)")
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains("Nguyễn Thị Lan"))
            if let upstream = page.headers["x-upstream"] { upstreams.insert(upstream) }
        }
        #expect(upstreams == ["127.0.0.1:\(hub1)", "127.0.0.1:\(hub2)"], "answered by \(upstreams)")
        let verify = try await cluster.fetch("/v?code=\(first)")
        #expect(verify.status == 303, "\(verify.status): \(verify.body)")

        // The standby serves certificate reads: a page not read before is read there (the
        // standby's own statistics count the scans of hub_pledge made on it).
        let scans = "SELECT idx_scan + seq_scan FROM pg_stat_user_tables WHERE relname = 'hub_pledge'"
        let before = Int(try await cluster.sql(port: standbyPort, database: "kiosk_hub", scans)) ?? 0
        let pageOfB = try await LoopbackHTTP.request(port: hub1, "GET", "/c/\(fromB)")
        #expect(pageOfB.status == 200)
        #expect(pageOfB.text.contains("Trần Văn Minh"))
        try await waitUntil("a scan of hub_pledge on the standby") {
            Int(try await cluster.sql(port: standbyPort, database: "kiosk_hub", scans)) ?? 0 > before
        }

        // The standby's replay paused: a pledge synced meanwhile is counted (counts read the
        // primary), and its certificate is found through the fallback to the primary.
        try await waitUntil("event A's public count from the standby") {
            try await cluster.total(hubPort: hub1, event: "cluster-a") == 1
        }
        let paused = try await StartedHubCluster.run(["replay", "pause"], data: cluster.data)
        #expect(paused.status == 0, "\(paused.stderr)")
        let second = try await Self.pledge(eventA, key: "cluster-a-2", name: "Lê Thị Hoa")
        let committed = try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":3}"#, timeout: 60) }
        #expect(committed == 1, "hub 2's stream: \(viewer.received())")
        for hub in [hub1, hub2] {
            // Counts read the primary: a standby's lag has no bound (read from it, counts went
            // backwards), and the national answer is kept until the next commit.
            #expect(try await cluster.total(hubPort: hub, event: "cluster-a") == 2, "hub on \(hub): stale")
            #expect(try await cluster.total(hubPort: hub, event: nil) == 3, "hub on \(hub): national")
        }
        // A miss at the standby is asked of the primary: the new pledge's certificate is found.
        for _ in 0..<2 {
            let page = try await cluster.fetch("/c/\(second)")
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains("Lê Thị Hoa"))
        }
        let document = try await cluster.fetch("/c/\(second).svg")
        #expect(document.status == 200)
        #expect(document.body.contains("Lê Thị Hoa"))
        // An erasure at hub 1 while the standby lags: no hub shows the name again (after a change a
        // hub reads certificates on the standby only once it has replayed that far).
        let erased = try await LoopbackHTTP.request(port: hub1, "POST", "/c/\(fromB)/erase", body: Data())
        #expect(erased.status == 303, "\(erased.text)")
        let afterErasure = try await LoopbackHTTP.request(port: hub1, "GET", "/c/\(fromB)")
        #expect(afterErasure.status == 200)
        #expect(!afterErasure.text.contains("Trần Văn Minh"))
        try await waitUntil("hub 2 told of the erasure") {
            !(try await LoopbackHTTP.request(port: hub2, "GET", "/c/\(fromB)").text.contains("Trần Văn Minh"))
        }
        let resumed = try await StartedHubCluster.run(["replay", "resume"], data: cluster.data)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try await waitUntil("the standby replayed the paused pledge") {
            try await cluster.sql(port: standbyPort, database: "kiosk_hub", "SELECT count(*) FROM hub_pledge") == "3"
        }

        // The primary down: a page not read before is served from the standby, its event too
        // (read from the primary alone, every such page failed after 5 s).
        let third = try await Self.pledge(eventA, key: "cluster-a-3", name: "Phạm Thu Hà")
        try await waitUntil("the standby has the third pledge") {
            try await cluster.sql(port: standbyPort, database: "kiosk_hub", "SELECT count(*) FROM hub_pledge") == "4"
        }
        let version = cluster.values["POSTGRES_VERSION"] ?? ""
        let primaryName = cluster.values["PRIMARY_CLUSTER"] ?? ""
        try await Self.cluster(version, primaryName, "stop")
        let whilePrimaryDown = try await LoopbackHTTP.request(port: hub2, "GET", "/c/\(third)", timeout: 15)
        #expect(whilePrimaryDown.status == 200, "\(whilePrimaryDown.text)")
        #expect(whilePrimaryDown.text.contains("Phạm Thu Hà"))
        try await Self.cluster(version, primaryName, "start")

        // The standby stopped: a page not read before falls back to the primary, before the
        // store's deadline (5 s) would have passed. (Counts read the primary whatever the standby does.)
        let fourth = try await Self.pledge(eventA, key: "cluster-a-4", name: "Vũ Minh Châu")
        try await waitUntil("the fourth pledge at the hub") {
            try await cluster.total(hubPort: hub2, event: "cluster-a") == 4
        }
        try await Self.cluster(version, cluster.values["STANDBY_CLUSTER"] ?? "", "stop")
        let asked = ContinuousClock.now
        let withoutStandby = try await LoopbackHTTP.request(port: hub2, "GET", "/c/\(fourth)", timeout: 15)
        #expect(withoutStandby.status == 200)
        #expect(withoutStandby.text.contains("Vũ Minh Châu"))
        #expect(ContinuousClock.now - asked < .seconds(4), "the fallback took \(ContinuousClock.now - asked)")
        let page = try await cluster.fetch("/c/\(second)")
        #expect(page.status == 200)
    }

    /// The live counters: a pledge synced through hub 1 appears on hub 2's (NOTIFY from the
    /// primary), and on the stream through nginx; one through hub 2 too. The two pledges' codes.
    static func liveAcrossHubs(
        _ cluster: StartedHubCluster, viewer: SSEClients, throughNginx: StreamingCurl,
        events: (a: KioskProcess, b: KioskProcess)
    ) async throws -> (String, String) {
        try await waitUntil("the live counter's first message through nginx") {
            throughNginx.received.contains("event: count")
        }
        let first = try await pledge(events.a, key: "cluster-a-1", name: "Nguyễn Thị Lan")
        let seenOnHub2 = try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":1}"#, timeout: 60) }
        #expect(seenOnHub2 == 1, "hub 2's stream: \(viewer.received())")
        try await waitUntil("the pledge on the stream through nginx") {
            throughNginx.received.contains(#""total":1}"#)
        }
        let fromB = try await pledge(events.b, key: "cluster-b-1", name: "Trần Văn Minh")
        let both = try await offPool { viewer.wait(untilAtLeast: 1, contain: #""total":2}"#, timeout: 60) }
        #expect(both == 1, "hub 2's stream: \(viewer.received())")
        return (first, fromB)
    }

    /// `pg_ctlcluster VERSION NAME ACTION` (stop, start), expected to succeed.
    static func cluster(_ version: String, _ name: String, _ action: String) async throws {
        let ran = try await offPool {
            try ProcessRunner.run("pg_ctlcluster", [version, name, action], environment: MadeHub.shellEnvironment)
        }
        #expect(ran.status == 0, "pg_ctlcluster \(action): \(ran.stderr)")
    }

    /// A pledge at the event on `event`'s port; its certificate code.
    static func pledge(_ event: KioskProcess, key: String, name: String) async throws -> String {
        let answer = try await TestEvent.postPledge(port: event.port, key: key, kiosk: "kiosk-cluster", name: name)
        #expect(answer.status == 201, "\(answer.text)")
        return try #require(try answer.json()["code"] as? String)
    }
}
