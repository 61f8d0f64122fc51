import Foundation
import JobctlPostgres
import Testing

/// `overlap=queue` across nodes end to end (docs/several-hosts.md §5.10, `DEQUEUE`): two real
/// `jobctl run` nodes with `LEASE=3s` on one throw-away database, checked with independent SQL.
@Suite(.postgresCluster) struct ClusterQueueTests {
    /// What the rows of the queue job said once both nodes stopped.
    struct Found: Sendable {
        var started = false
        /// Statuses of the job's rows.
        var statuses: [String: Int64] = [:]
        /// Pairs of runs (not skipped or queued) whose [started_at, finished_at] overlap.
        var overlapping: Int64 = -1
        /// Runs that started more than a second after their fire (they waited `queued`), and
        /// those of them that started before the previous run of the job had ended.
        var dequeued: Int64 = -1
        var dequeuedEarly: Int64 = -1
        /// Rows per fire above one.
        var doubles: Int64 = -1
        /// Fires that neither ran nor were recorded `skipped` or `interrupted` by the shutdown.
        var unsettled: Int64 = -1
        var logs = ""
    }

    /// About 17 s. Before `DEQUEUE`, a fire claimed while the other node ran the job was
    /// recorded `skipped`: `overlap=queue` acted as `skip` across nodes. A job due every second
    /// whose run lasts 4 s (longer than the 3 s lease: a dequeued run is renewed like any other):
    /// every fire runs once or is skipped (one waits `queued` at a time), never two runs at once,
    /// none is `abandoned`, and the fires that waited start after the run before them ended.
    @Test func aQueuedFireStartsAfterTheRunOnTheOtherNodeEnds() async throws {
        let cluster = try PostgresTestCluster.require()
        let found = try await offPool { () throws -> Found in
            let db = try ClusterDatabase(in: cluster, jobs: [], header: ["LEASE=3s"])
            try ClusterEndToEndTests.writeConfig(
                db, jobs: ["* * * * * * q \(db.command(sleeping: 4)) overlap=queue"])
            return try Self.run(db)
        }
        try #require(found.started, "\(found.logs)")
        #expect(found.doubles == 0, "one row per fire")
        #expect(found.overlapping == 0, "two runs of the job were live at once\n\(found.logs)")
        #expect(found.dequeued >= 2, "fires that waited queued and ran: \(found.statuses)\n\(found.logs)")
        #expect(found.dequeuedEarly == 0, "a queued fire started before the run it waited for ended")
        #expect(found.unsettled == 0, "\(found.statuses)")
        #expect((found.statuses["queued"] ?? 0) <= 1 && (found.statuses["skipped"] ?? 0) >= 1, "\(found.statuses)")
    }

    static func run(_ db: ClusterDatabase) throws -> Found {
        var found = Found()
        let nodes = [try db.node(), try db.node()]
        defer { for node in nodes { _ = node.stop() } }
        found.started = nodes.allSatisfy { $0.waitFor("Scheduler started", timeout: 30) }
        guard found.started else {
            found.logs = nodes.map(\.output).joined(separator: "\n----\n")
            return found
        }
        ThreeNodeRun.pause(seconds: 14)
        for node in nodes { _ = node.stop() }
        found.logs = nodes.map(\.output).joined(separator: "\n----\n")
        for row in try db.connection.query("SELECT status, count(*) AS n FROM jobctl_execution GROUP BY status") {
            if let status = try row.string("status") { found.statuses[status] = try row.int64("n") ?? 0 }
        }
        found.overlapping = try db.count(
            """
            SELECT count(*) AS n FROM jobctl_execution a JOIN jobctl_execution b ON a.id < b.id
            WHERE a.status NOT IN ('skipped', 'queued') AND b.status NOT IN ('skipped', 'queued')
              AND a.started_at < COALESCE(b.finished_at, 'infinity')
              AND b.started_at < COALESCE(a.finished_at, 'infinity')
            """)
        found.dequeued = try db.count(Self.dequeuedSQL("true"))
        found.dequeuedEarly = try db.count(
            Self.dequeuedSQL(
                """
                EXISTS (SELECT 1 FROM jobctl_execution p WHERE p.status NOT IN ('skipped', 'queued')
                        AND p.started_at < e.started_at AND COALESCE(p.finished_at, 'infinity') > e.started_at)
                """))
        found.doubles = try db.count(
            "SELECT count(*) - count(DISTINCT (scheduled_at, attempt)) AS n FROM jobctl_execution")
        found.unsettled = try db.count(
            """
            SELECT count(*) AS n FROM jobctl_execution
            WHERE status NOT IN ('succeeded', 'skipped', 'queued', 'interrupted')
            """)
        return found
    }

    /// Runs that started more than a second after their fire and match `condition` (on `e`).
    static func dequeuedSQL(_ condition: String) -> String {
        """
        SELECT count(*) AS n FROM jobctl_execution e
        WHERE e.status NOT IN ('skipped', 'queued') AND e.lateness_ms > 1000 AND \(condition)
        """
    }
}

extension ClusterQueueTests {
    /// About 25 s. A job due every 10 s whose run lasts 12 s: the node running it is killed with
    /// -9 once the other node's claim has queued the next fire behind that run. The survivor
    /// reaps the run (`abandoned`, the 3 s lease) and then starts the queued fire from its 2-s
    /// loop, before the job's next fire: no run of the job ends on the survivor to start it,
    /// and the dead node never finishes its run.
    @Test func aFireQueuedBehindTheRunOfAKilledNodeStartsOnceThatRunIsReaped() async throws {
        let cluster = try PostgresTestCluster.require()
        let found = try await offPool { () throws -> (lost: Int64?, started: Int64, early: Int64, log: String) in
            let db = try ClusterDatabase(in: cluster, jobs: [], header: ["LEASE=3s"])
            try ClusterEndToEndTests.writeConfig(
                db, jobs: ["*/10 * * * * * q \(db.command(sleeping: 12)) overlap=queue"])
            let nodes = [try db.node(), try db.node()]
            defer { for node in nodes { _ = node.stop() } }
            guard nodes.allSatisfy({ $0.waitFor("Scheduler started", timeout: 30) }) else { return (nil, 0, 0, "") }
            guard let (lost, owner) = try Self.runWithAQueuedFire(db),
                let victim = try nodes.first(where: { try db.nodeID(of: $0) == owner })
            else { return (nil, 0, 0, nodes.map(\.output).joined(separator: "\n----\n")) }
            victim.signal(SIGKILL)
            _ = victim.wait()
            // Started after the lost run was reaped, and before its job's next fire.
            let startedAfter = """
                SELECT count(*) AS n FROM jobctl_execution e, jobctl_execution l
                WHERE l.id = $1 AND l.status = 'abandoned' AND e.status NOT IN ('skipped', 'queued')
                  AND e.lateness_ms > 1000 AND e.lateness_ms < 10000 AND e.started_at >= l.finished_at
                """
            _ = try db.poll(timeout: 15) { try db.count(startedAfter, [.int64(lost)]) > 0 ? true : nil }
            let early = try db.count(
                """
                SELECT count(*) AS n FROM jobctl_execution e, jobctl_execution l
                WHERE l.id = $1 AND e.id <> l.id AND e.status NOT IN ('skipped', 'queued')
                  AND e.started_at >= l.started_at AND e.started_at < l.finished_at
                """, [.int64(lost)])
            let log = nodes.map(\.output).joined(separator: "\n----\n")
            return (lost, try db.count(startedAfter, [.int64(lost)]), early, log)
        }
        try #require(found.lost != nil, "no run with a queued fire behind it\n\(found.log)")
        #expect(found.started == 1, "no queued fire started after the lost run was reaped\n\(found.log)")
        #expect(found.early == 0, "a run started while the lost run was still live")
    }

    /// The live run (id, owner) of the job once a fire waits `queued` behind it (30 s at most:
    /// the first fire comes up to 10 s after the start, the queued one 10 s later).
    static func runWithAQueuedFire(_ db: ClusterDatabase) throws -> (Int64, String)? {
        try db.poll(timeout: 30) { () -> (Int64, String)? in
            let row = try db.connection.query(
                """
                SELECT l.id, l.owner_node FROM jobctl_execution l
                WHERE l.status = 'running' AND EXISTS (SELECT 1 FROM jobctl_execution q WHERE q.status = 'queued')
                """
            ).first
            guard let id = try row?.int64("id"), let owner = try row?.string("owner_node") else { return nil }
            return (id, owner)
        }
    }
}
