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

    @Test func goneNodesAreDeletedByARunNodesHousekeeping() throws {
        let setup = try Setup(#"@daily greet command="true""#)
        #expect(try setup.jobctl(["trigger", "greet"]).status == 0)  // the schema
        _ = try setup.connection.query(
            """
            INSERT INTO jobctl_node (node_id, host, pid, version, config_digest, started_at, heartbeat_at, stopped_at)
            VALUES ('old-stopped', 'h', 1, 'v', 'd', now() - interval '3 days', now() - interval '2 days',
                    now() - interval '2 days'),
                   ('old-silent', 'h', 2, 'v', 'd', now() - interval '3 days', now() - interval '25 hours', NULL),
                   ('recent-stopped', 'h', 3, 'v', 'd', now() - interval '2 hours', now() - interval '1 hour',
                    now() - interval '1 hour')
            """)
        _ = try setup.connection.query("INSERT INTO jobctl_node_job VALUES ('old-silent', 'greet', 'x')")
        let node = try Daemon(["run"], directory: setup.directory, environment: ["JOBCTL_CONFIG": setup.config])
        defer { node.stop() }
        #expect(node.waitFor("Scheduler started"))
        let gone = try Self.eventually {
            try setup.count("SELECT count(*) AS n FROM jobctl_node WHERE node_id LIKE 'old-%'") == 0
        }
        #expect(gone, "\(node.output)")
        #expect(try setup.count("SELECT count(*) AS n FROM jobctl_node_job WHERE node_id = 'old-silent'") == 0)
        // Stopped an hour ago: kept (a day); the running node itself: kept.
        #expect(try setup.count("SELECT count(*) AS n FROM jobctl_node") == 2)
        #expect(node.waitFor("Deleted 2 node row(s)"))
        #expect(node.stop() == 0)
    }

    @Test func aNodeWhoseConfigNowAgreesClaimsAfterSIGHUP() throws {
        let setup = try Setup(#"* * * * * * tick overlap=allow command="echo tick""#)
        let other = setup.directory.appendingPathComponent("b.conf")
        let differs = "STATE_DB=\(setup.url)\n* * * * * * tick overlap=allow command=\"echo tock\"\n"
        try differs.write(to: other, atomically: true, encoding: .utf8)
        let a = try Daemon(["run", "--config", setup.config], directory: setup.directory)
        #expect(a.waitFor("Scheduler started"))
        // A stays a live node that never claims: B's claims are then deterministic.
        a.signal(SIGSTOP)
        defer {
            a.signal(SIGCONT)
            a.stop()
        }
        let b = try Daemon(["run", "--config", other.path], directory: setup.directory)
        defer { b.stop() }
        #expect(b.waitFor("Scheduler started"))
        let aPID = a.process.processIdentifier
        let bPID = b.process.processIdentifier
        let freshen = "UPDATE jobctl_node SET heartbeat_at = now() WHERE node_id LIKE '%:\(aPID):%'"
        _ = try setup.connection.query(freshen)
        #expect(b.waitFor("different definition"), "\(b.output)")
        let ownedByB = "SELECT count(*) AS n FROM jobctl_execution WHERE owner_node LIKE '%:\(bPID):%'"
        #expect(try setup.count(ownedByB) == 0)
        try differs.replacingOccurrences(of: "tock", with: "tick").write(to: other, atomically: true, encoding: .utf8)
        _ = try setup.connection.query(freshen)
        b.signal(SIGHUP)
        // A is kept live throughout (its heartbeat freshened at each poll): B claims only once
        // its published digests agree with A's.
        let claimed = try Self.eventually(15) {
            _ = try setup.connection.query(freshen)
            return try setup.count(ownedByB) >= 2
        }
        #expect(claimed, "\(b.output)")
        #expect(b.waitFor("published the reloaded config's digests"), "\(b.output)")
        let digests = try setup.count(
            "SELECT count(DISTINCT digest) AS n FROM jobctl_node_job WHERE job = 'tick'")
        #expect(digests == 1)
        #expect(b.stop() == 0)
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

    @Test func anAbandonedRunFiresItsOnFailureHookOnceOnTheReapingNode() throws {
        let scratch = try Binary.temporaryDirectory()
        let pids = scratch.appendingPathComponent("pids").path
        let hooks = scratch.appendingPathComponent("hooks").path
        let hook = #"on_failure="echo $JOBCTL_STATUS $JOBCTL_RUN_ID >> \#(hooks)""#
        let setup = try Setup(#"0 0 1 1 * slow command="echo $$ >> \#(pids); exec sleep 30" "# + hook, lease: "3s")
        defer { PostgresStateDBTests.killListed(pids) }
        let env = ["JOBCTL_CONFIG": setup.config]
        let trigger = try Daemon(["trigger", "slow"], directory: setup.directory, environment: env)
        var runID: Int64?
        _ = Self.eventually {  // the trigger creates the tables: errors until then
            runID = try? setup.connection.query("SELECT id FROM jobctl_execution WHERE status = 'running'").first?
                .int64("id")
            return runID != nil
        }
        let id = try #require(runID, "no running run: \(trigger.output)")
        trigger.signal(SIGKILL)
        _ = trigger.wait()
        PostgresStateDBTests.killListed(pids)
        let node = try Daemon(["run", "--grace", "1"], directory: setup.directory, environment: env)
        defer { node.stop() }
        #expect(node.waitFor("run \(id) (slow) abandoned"), "\(node.output)")
        let fired = Self.eventually {
            ((try? String(contentsOfFile: hooks, encoding: .utf8)) ?? "").contains("abandoned \(id)")
        }
        #expect(fired, "\(node.output)")
        #expect(node.stop() == 0)
        let lines = ((try? String(contentsOfFile: hooks, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines == ["abandoned \(id)"])
        let recorded = try setup.count(
            "SELECT count(*) AS n FROM jobctl_hook_run WHERE job = 'slow' AND event = 'failure' AND run_id = \(id)")
        #expect(recorded == 1)
    }
}
