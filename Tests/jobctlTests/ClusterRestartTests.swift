import Foundation
import JobctlPostgres
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A database restart under two `jobctl run` nodes (docs/several-hosts.md §7.4), in a cluster
/// of its own: the restart would disturb the other suites' scenarios.
@Suite(.postgresCluster) struct ClusterRestartTests {
    struct Findings: Sendable {
        var started = false
        var spanningRun: Int64?
        var spanningStatus: String?
        var restartError = ""
        /// Rows finished before the restart that are gone or changed after it.
        var lost: [Int64] = []
        var doubles: Int64 = -1
        var missingAfter: [String] = []
        var stoppedNodes: Int64 = -1
        var exits: [Int32?] = []
        var logs: [String] = []
    }

    /// About 20 s: `pg_ctl stop -m fast`, 2 s down, start, while a 6 s run is under way
    /// (`LEASE=9s`: renewed every 3 s, it outlives the outage).
    @Test func aDatabaseRestartMidRunLosesNoRowAndDoublesNoFire() async throws {
        let cluster = try PostgresTestCluster.require()
        let found = try await offPool { try Self.scenario(cluster) }
        try #require(found.started, "\(found.logs)")
        #expect(found.restartError.isEmpty, "\(found.restartError)")
        #expect(found.spanningRun != nil && found.spanningStatus == "succeeded", "\(found.logs)")
        #expect(found.lost.isEmpty, "rows committed before the restart, lost or changed: \(found.lost)")
        #expect(found.doubles == 0)
        #expect(found.missingAfter.isEmpty, "fires after the restart without a run: \(found.missingAfter)")
        #expect(found.exits == [0, 0], "\(found.logs)")
        #expect(found.stoppedNodes == 2, "both nodes reconnected and recorded their stop")
        for log in found.logs {
            let lost = log.split(separator: "\n").contains { $0.contains(" error ") && $0.contains("connect") }
            #expect(lost, "the node logs the lost connection\n\(log)")
        }
    }

    static func scenario(_ cluster: PostgresTestCluster) throws -> Findings {
        let db = try ClusterDatabase(in: cluster, jobs: [], header: ["LEASE=9s"])
        try ClusterEndToEndTests.writeConfig(
            db,
            jobs: [
                "* * * * * * tick \(db.command(sleeping: 0)) overlap=allow",
                "*/4 * * * * * span \(db.command(sleeping: 6)) overlap=allow",
            ])
        let nodes = [try db.node(), try db.node()]
        var found = Findings()
        found.started = nodes.allSatisfy { $0.waitFor("Scheduler started", timeout: 30) }
        guard found.started else { return found }
        found.spanningRun = try db.poll(timeout: 15) {
            try db.connection.query(
                """
                SELECT id FROM jobctl_execution WHERE job = 'span' AND status = 'running'
                  AND started_at > now() - interval '1 second' ORDER BY id DESC LIMIT 1
                """
            ).first?.int64("id")
        }
        let before = try finishedRows(db)
        let restart = PostgresTestCluster.run(["restart", cluster.directory, "2", "fast"])
        if restart.status != 0 { found.restartError = restart.stderr }
        try db.reconnect()
        let from = try db.now() + 2
        ThreeNodeRun.pause(seconds: 8)
        let through = try db.now()
        found.exits = nodes.map { $0.stop() }
        found.logs = nodes.map(\.output)
        let after = try finishedRows(db)
        found.lost = before.keys.filter { after[$0] != before[$0] }.sorted()
        found.doubles = try db.count(
            """
            SELECT count(*) AS n FROM (SELECT 1 FROM jobctl_execution WHERE scheduled_at IS NOT NULL
              GROUP BY job, scheduled_at, attempt HAVING count(*) > 1) d
            """)
        found.missingAfter = try db.connection.query(
            """
            SELECT 'tick at ' || g.s AS fire FROM generate_series($1::bigint, $2::bigint - 3) AS g(s)
            WHERE NOT EXISTS (SELECT 1 FROM jobctl_execution e WHERE e.job = 'tick'
                              AND e.scheduled_at = to_timestamp(g.s) AND e.status = 'succeeded')
            """, [.int64(from), .int64(through)]
        ).compactMap { try $0.string("fire") }
        found.stoppedNodes = try db.count(
            "SELECT count(*) AS n FROM jobctl_node WHERE stopped_at IS NOT NULL")
        found.spanningStatus = try found.spanningRun.flatMap {
            try db.connection.query("SELECT status FROM jobctl_execution WHERE id = $1::bigint", [.int64($0)])
                .first?.string("status")
        }
        return found
    }

    /// The finished rows: id → status.
    static func finishedRows(_ db: ClusterDatabase) throws -> [Int64: String] {
        var rows: [Int64: String] = [:]
        for row in try db.connection.query(
            "SELECT id, status FROM jobctl_execution WHERE status <> 'running'")
        {
            if let id = try row.int64("id") { rows[id] = try row.string("status") }
        }
        return rows
    }
}
