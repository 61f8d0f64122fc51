import Foundation
import JobctlPostgres
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Node housekeeping and visibility on a PostgreSQL `STATE_DB` (issue 11, "Node identity" and
/// "Dead nodes"; docs/several-hosts.md §5.1): nodes in the HTTP status and page, gone nodes
/// deleted, SIGHUP re-publishing the digests, backfill renewing its leases, and the
/// `on_failure` hook of a reaped run. Real binary, real cluster.
@Suite(.postgresCluster, .serialized) struct PostgresNodeHousekeepingTests {
    typealias Setup = PostgresStateDBTests.Setup

    /// Polls `condition` every 100 ms for up to `timeout` seconds (a hang guard).
    static func eventually(_ timeout: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    static func utc(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    @Test func theHTTPStatusAndPageListTheNodesOfAPostgresStateDB() throws {
        let setup = try Setup("")
        let daemon = try HTTPDaemon(
            config: "STATE_DB=\(setup.url)\n@daily slow command=\"sleep 4\"", extraArguments: [])
        defer { daemon.stop() }
        let reply = try daemon.trigger("slow")
        #expect(reply.status == 202, "\(reply.text)")
        // Anonymous reader: the nodes are shown (nothing secret in them), with the running run.
        let status = try daemon.waitForStatus { status in
            let node = (status["nodes"] as? [[String: Any]])?.first
            return (node?["running"] as? [[String: Any]])?.first?["job"] as? String == "slow"
        }
        let nodes = try #require(status["nodes"] as? [[String: Any]])
        #expect(nodes.count == 1)
        let node = try #require(nodes.first)
        let id = try #require(node["id"] as? String)
        #expect(node["state"] as? String == "live")
        #expect((node["configDigest"] as? String)?.count == 16)
        #expect(node["stoppedAt"] is NSNull)
        #expect(node["lastHeartbeat"] as? String != nil && node["host"] as? String != nil)
        // The same node as `jobctl nodes`.
        let listed = try setup.jobctl(["nodes"])
        #expect(listed.stdout.hasPrefix(id), "\(listed.stdout)\(listed.stderr)")
        if let chromium = Chromium.executable {
            let html = try Self.dumpDOM(chromium, port: daemon.port, directory: daemon.directory)
            #expect(html.contains(#"data-node="\#(id)""#), "no node row in the page: \(html.suffix(2000))")
            #expect(!html.contains(#"id="nodesbox" hidden"#))
        }
    }

    static func dumpDOM(_ chromium: String, port: Int, directory: URL) throws -> String {
        let profile = directory.appendingPathComponent("chromium-profile").path
        let arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile)", "--window-size=1200,900", "--virtual-time-budget=5000", "--dump-dom",
            "http://127.0.0.1:\(port)/",
        ]
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let dom = try Binary.shell("'\(chromium)' \(quoted) 2>/dev/null", timeout: 120)
        #expect(dom.status == 0, "chromium --dump-dom failed: \(dom.output.suffix(500))")
        return dom.output
    }

    @Test func aBackfillLongerThanItsLeaseIsNotReaped() throws {
        let setup = try Setup(#"@hourly slow command="sleep 6""#, lease: "3s")
        let reaper = try Daemon(
            ["run", "--grace", "1"], directory: setup.directory, environment: ["JOBCTL_CONFIG": setup.config])
        defer { reaper.stop() }
        #expect(reaper.waitFor("Scheduler started"))
        let to = Int(Date().timeIntervalSince1970) / 3600 * 3600
        let backfill = try setup.jobctl(["backfill", "slow", "--from", Self.utc(to - 3600), "--to", Self.utc(to)])
        #expect(backfill.status == 0, "\(backfill.stdout)\(backfill.stderr)\n\(reaper.output)")
        let succeeded = try setup.count(
            "SELECT count(*) AS n FROM jobctl_execution WHERE job = 'slow' AND triggered_by = 'backfill' "
                + "AND status = 'succeeded'")
        #expect(succeeded == 1)
        #expect(try setup.count("SELECT count(*) AS n FROM jobctl_execution WHERE status = 'abandoned'") == 0)
        #expect(reaper.stop() == 0)
    }
}
