import Foundation
import JobctlPostgres
import Testing

/// A fire due while the database is down (docs/several-hosts.md §5.2, §7.2), in a cluster of
/// its own: the outage would disturb the other suites' scenarios.
@Suite(.postgresCluster) struct ClusterOutageTests {
    /// About 25 s. The nodes claimed a fire once, at its instant: a fire due during a restart
    /// (here 4 s down) was lost ("Cannot read or record the pause state; not starting the run"
    /// on every node), so a daily payout due during a failover waited a day. Now each node claims
    /// the same fire again with backoff until the database is back, and it runs once.
    @Test func aFireDueWhileTheDatabaseIsDownRunsOnceItIsBack() async throws {
        let cluster = try PostgresTestCluster.require()
        let found = try await offPool { () throws -> (rows: [String], logs: [String], restarted: Bool) in
            let db = try ClusterDatabase(in: cluster, jobs: [], header: ["LEASE=9s"])
            try ClusterEndToEndTests.writeConfig(db, jobs: ["*/15 * * * * * edge \(db.command(sleeping: 0))"])
            let nodes = [try db.node(), try db.node()]
            guard nodes.allSatisfy({ $0.waitFor("Scheduler started", timeout: 30) }) else {
                return ([], nodes.map { $0.stop() }.map { "\(String(describing: $0))" }, false)
            }
            // 3 s before a fire of `*/15`, the database goes down for 4 s (and the time to start).
            _ = try db.poll(timeout: 20) { try db.now() % 15 == 12 ? true : nil }
            let fire = try db.now() + 3
            let restart = PostgresTestCluster.run(["restart", cluster.directory, "4", "fast"])
            try db.reconnect()
            _ = try db.poll(timeout: 20) {
                try db.count(
                    "SELECT count(*) AS n FROM jobctl_execution WHERE job = 'edge' AND status <> 'running'"
                        + " AND scheduled_at = to_timestamp($1::bigint)", [.int64(fire)]) > 0 ? true : nil
            }
            let rows = try db.connection.query(
                "SELECT status FROM jobctl_execution WHERE job = 'edge' AND scheduled_at = to_timestamp($1::bigint)",
                [.int64(fire)]
            ).compactMap { try $0.string("status") }
            _ = nodes.map { $0.stop() }
            return (rows, nodes.map(\.output), restart.status == 0)
        }
        #expect(found.restarted)
        #expect(found.rows == ["succeeded"], "the fire due during the outage: \(found.rows)\n\(found.logs)")
        let retried = found.logs.contains { $0.contains("The state database is unreachable; claiming the fire again") }
        #expect(retried, "a node logs each wait\n\(found.logs)")
    }
}
