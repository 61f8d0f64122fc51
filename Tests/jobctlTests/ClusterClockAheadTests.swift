import Foundation
import JobctlPostgres
import Testing

/// A lone node whose clock is ahead of the database's (docs/several-hosts.md §5.2, §7.1), in a
/// cluster of its own.
@Suite(.postgresCluster) struct ClusterClockAheadTests {
    /// About 12 s. A node 5 s ahead planned its fires from its own time, so the fires of the
    /// database's first 5 s after its start were never claimed: with no other node they were
    /// lost (a miss the issue rules out for a clock ±5 s off). It now plans, sleeps and records
    /// by the database's time as it estimates it (`DatabaseTimedClock`), and says how far off
    /// its clock is.
    @Test func aNodeWhoseClockIsAheadRunsTheFiresOfItsFirstSeconds() async throws {
        let cluster = try PostgresTestCluster.require()
        let found = try await offPool { () throws -> (missing: [Int64], early: Int64, log: String) in
            let db = try ClusterDatabase(in: cluster, jobs: [], header: ["LEASE=9s"])
            try ClusterEndToEndTests.writeConfig(
                db, jobs: ["* * * * * * tick \(db.command(sleeping: 0)) overlap=allow"])
            let node = try db.node(["JOBCTL_CLOCK_OFFSET": "+5s"])
            guard node.waitFor("Scheduler started", timeout: 30) else { return ([-1], -1, node.output) }
            let from = try db.now() + 1  // the first whole second after the start, by the database
            ThreeNodeRun.pause(seconds: 8)
            let through = try db.now() - 1
            _ = node.stop()
            let missing = try db.connection.query(
                """
                SELECT g.s FROM generate_series($1::bigint, $2::bigint) AS g(s)
                WHERE NOT EXISTS (SELECT 1 FROM jobctl_execution e WHERE e.job = 'tick'
                                  AND e.scheduled_at = to_timestamp(g.s) AND e.status = 'succeeded')
                """, [.int64(from), .int64(through)]
            ).compactMap { try $0.int64("s") }
            let early = try db.count(
                "SELECT count(*) AS n FROM jobctl_execution WHERE started_at < scheduled_at")
            return (missing, early, node.output)
        }
        #expect(found.missing.isEmpty, "fires without their run: \(found.missing)\n\(found.log)")
        #expect(found.early == 0, "no run started before its fire by the database's clock")
        #expect(found.log.contains("off the database's; it plans by the database's time"), "\(found.log)")
    }
}
