import Foundation
import JobctlPostgres
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `STATE_DB=postgresql://…` end to end: the real binary on a real throw-away cluster, each
/// test in a database of its own (docs/several-hosts.md, README "Several hosts").
@Suite(.postgresCluster, .serialized) struct PostgresStateDBTests {
    /// A fresh database in the suite's cluster, a config directory using it, and a way to
    /// read the database with independent SQL.
    struct Setup {
        let directory: URL
        let url: String
        let connection: PostgresConnection

        init(_ jobs: String, lease: String? = nil) throws {
            let cluster = try PostgresTestCluster.require()
            url = try cluster.freshDatabase(prefix: "t_").url
            connection = try PostgresConnection(PostgresConfiguration(url))
            directory = try Binary.temporaryDirectory()
            let leaseLine = lease.map { "LEASE=\($0)\n" } ?? ""
            try "STATE_DB=\(url)\n\(leaseLine)\(jobs)\n".write(
                to: directory.appendingPathComponent("jobs.conf"), atomically: true, encoding: .utf8)
        }

        var config: String { directory.appendingPathComponent("jobs.conf").path }

        func jobctl(_ arguments: [String]) throws -> Binary.Result {
            try Binary.run(arguments + ["--config", config])
        }

        func count(_ sql: String) throws -> Int64 {
            try connection.query(sql).first?.int64("n") ?? -1
        }
    }

    @Test func triggerHistoryAndStatsReadAPostgresStateDB() throws {
        let setup = try Setup(#"@daily greet command="echo hello""#)
        let trigger = try setup.jobctl(["trigger", "greet"])
        #expect(trigger.status == 0, "\(trigger.stderr)")
        #expect(try setup.count("SELECT count(*) AS n FROM jobctl_execution WHERE status = 'succeeded'") == 1)
        let history = try setup.jobctl(["history"])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("greet") && history.stdout.contains("succeeded"))
        let stats = try setup.jobctl(["stats", "--json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any]
        let jobs = json?["jobs"] as? [[String: Any]]
        #expect(jobs?.first?["job"] as? String == "greet")
        #expect(jobs?.first?["successfulExecutions"] as? Int == 1)
        // nodes: a trigger is no `run` node; a list that is empty, not an error.
        let nodes = try setup.jobctl(["nodes"])
        #expect(nodes.status == 0 && nodes.stdout == "no nodes yet\n", "\(nodes.stderr)")
    }

    @Test func twoRunNodesOnOnePostgresStateDBRunEachFireOnce() throws {
        let setup = try Setup(#"* * * * * * tick command="echo tick""#)
        let env = ["JOBCTL_CONFIG": setup.config]
        let first = try Daemon(["run"], directory: setup.directory, environment: env)
        let second = try Daemon(["run"], directory: setup.directory, environment: env)
        #expect(first.waitFor("Scheduler started") && second.waitFor("Scheduler started"))
        let nodes = try setup.jobctl(["nodes", "--json"])
        let listed = try JSONSerialization.jsonObject(with: Data(nodes.stdout.utf8)) as? [[String: Any]]
        #expect(listed?.count == 2, "\(nodes.stdout)\(nodes.stderr)")
        usleep(6_000_000)
        #expect(first.stop() == 0)
        #expect(second.stop() == 0)
        let doubles = try setup.count(
            """
            SELECT count(*) AS n FROM (SELECT job, scheduled_at FROM jobctl_execution
              WHERE scheduled_at IS NOT NULL GROUP BY job, scheduled_at, attempt HAVING count(*) > 1) d
            """)
        #expect(doubles == 0)
        let ran = try setup.count(
            "SELECT count(*) AS n FROM jobctl_execution WHERE status = 'succeeded' AND job = 'tick'")
        #expect(ran >= 4, "\(first.output)\n\(second.output)")
        let stopped = try setup.count("SELECT count(*) AS n FROM jobctl_node WHERE stopped_at IS NOT NULL")
        #expect(stopped == 2)
    }

    @Test func aKilledNodesRunIsAbandonedByTheOtherWithinTheLease() throws {
        let pids = try Binary.temporaryDirectory().appendingPathComponent("pids").path
        let setup = try Setup(#"* * * * * * slow command="echo $$ >> \#(pids); exec sleep 30""#, lease: "3s")
        defer { Self.killListed(pids) }
        let env = ["JOBCTL_CONFIG": setup.config]
        let daemons = [
            try Daemon(["run", "--grace", "1"], directory: setup.directory, environment: env),
            try Daemon(["run", "--grace", "1"], directory: setup.directory, environment: env),
        ]
        // The nodes create the tables: polling before they have (under load) found no table.
        try #require(daemons.allSatisfy { $0.waitFor("Scheduler started") }, "\(daemons.map(\.output))")
        var owner: PostgresRow?
        let started = Date().addingTimeInterval(20)
        while owner == nil, Date() < started {
            usleep(100_000)
            owner = try? setup.connection.query(  // an error before the node made its tables is "not yet"
                "SELECT id, owner_node FROM jobctl_execution WHERE status = 'running' ORDER BY id LIMIT 1"
            ).first
        }
        let runID = try owner?.int64("id")
        let node = try owner?.string("owner_node") ?? ""
        let victim = daemons.first { node.contains(":\($0.process.processIdentifier):") }
        try #require(runID != nil && victim != nil, "no running run: \(daemons.map(\.output))")
        victim?.signal(SIGKILL)
        _ = victim?.wait()
        // Lease 3 s, renewed every second, reaped within 2 s of expiring: a 20 s hang guard.
        var status = ""
        let end = Date().addingTimeInterval(20)
        while Date() < end, status != "abandoned" {
            usleep(200_000)
            status =
                try setup.connection.query(
                    "SELECT status FROM jobctl_execution WHERE id = $1::bigint", [.int64(runID ?? 0)]
                ).first?.string("status") ?? ""
        }
        #expect(status == "abandoned")
        let survivor = daemons.first { $0 !== victim }
        #expect(survivor?.waitFor("run \(runID ?? 0) (slow) abandoned") == true)
        #expect(survivor?.stop() == 0)
    }

    @Test func checkRefusesAPasswordInAPostgresStateDBWithItsLineAndColumn() throws {
        let directory = try Binary.temporaryDirectory()
        let config = directory.appendingPathComponent("jobs.conf")
        try "# shared state\nSTATE_DB=postgresql://app:secret@db.example/jobs\n@daily a command=true\n".write(
            to: config, atomically: true, encoding: .utf8)
        let check = try Binary.run(["check", "--config", config.path])
        #expect(check.status == 2)
        #expect(check.stderr.contains("jobs.conf:2:10: error: STATE_DB:"), "\(check.stderr)")
        // The message never repeats it (the excerpt below it shows the line as written).
        #expect(check.stderr.split(separator: "\n").first?.contains("secret") == false)
    }

    @Test func nodesOnSQLiteSaysNodesNeedAPostgresStateDB() throws {
        let directory = try Binary.temporaryDirectory()
        let config = directory.appendingPathComponent("jobs.conf")
        try "@daily a command=true\n".write(to: config, atomically: true, encoding: .utf8)
        let nodes = try Binary.run(["nodes", "--config", config.path])
        #expect(nodes.status == 0)
        #expect(nodes.stdout.contains("nodes exist only with a PostgreSQL STATE_DB"))
    }

    static func killListed(_ path: String) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") { if let pid = Int32(line), pid > 1 { kill(pid, SIGKILL) } }
    }
}
