import Foundation
import Testing

/// Several hosts end to end (issue 11 "Tests"): three real `jobctl run` nodes on one throw-away
/// cluster database, with `LEASE=3s` (short, to keep the tests short; the default is 30 s),
/// checked with independent SQL over a direct connection (`ThreeNodeRun`).
@Suite(.postgresCluster) struct ClusterEndToEndTests {
    /// About 30 s: 10 s quiet with the clocks at 0, +5 s and −5 s, `kill -9` of one node while
    /// it runs a fire, SIGSTOP of another for longer than its lease, SIGCONT, 10 s more.
    @Test func threeNodesRunEachFireOnceThroughKillStopAndSkewedClocks() async throws {
        let cluster = try PostgresTestCluster.require()
        let found = try await offPool {
            let db = try ClusterDatabase(in: cluster, jobs: [], header: ["LEASE=3s"])
            try Self.writeConfig(db, jobs: ThreeNodeRun.jobLines(db))
            return try ThreeNodeRun(db, offsets: [nil, "+5s", "-5s"]).run(quiet: 10, disturb: true, tail: 10)
        }
        try #require(found.started, "\(found.logs)")
        #expect(found.doubles == 0, "one row per (job, fire, attempt)")
        #expect(found.early == 0, "no run started before its fire by the database's clock")
        #expect(found.missing.isEmpty, "fires without their run: \(found.missing)\n\(found.logs)")
        #expect(found.killedRun != nil && found.killedRunStatus == "abandoned", "\(found.logs)")
        #expect(found.stoppedRun != nil && found.frozenRunsEnded, "\(found.logs)")
        #expect(found.stoppedRunStatus == "abandoned", "\(found.logs)")
        #expect(found.stoppedNodeLogsRefusal, "the resumed node says it stopped writing about the run\n\(found.logs)")
        #expect(found.stoppedChildKilled, "the stopped node's child was killed while the node was stopped")
        #expect(found.stillRunning == 0)
        #expect(found.leftProcesses.isEmpty, "processes left behind: \(found.leftProcesses)")
        #expect(found.exits.count == 2 && found.exits.allSatisfy { $0 == 0 }, "\(found.exits)")
    }

    /// About 12 s: the three nodes through PgBouncer in transaction mode (no session state is
    /// needed for correctness, docs/several-hosts.md §7.3).
    @Test func threeNodesThroughPgBouncerInTransactionModeRunEachFireOnce() async throws {
        let cluster = try PostgresTestCluster.require()
        let bouncer = try cluster.pgbouncerURL()
        let found = try await offPool {
            let db = try ClusterDatabase(in: cluster, jobs: [], header: ["LEASE=3s"]) {
                Self.sameDatabase($0, at: bouncer)
            }
            try Self.writeConfig(db, jobs: ThreeNodeRun.jobLines(db, names: ["tick", "slow"]))
            let run = try ThreeNodeRun(db, offsets: [nil, nil, nil], names: ["tick", "slow"])
            return try run.run(quiet: 10, disturb: false, tail: 0)
        }
        try #require(found.started, "\(found.logs)")
        #expect(found.doubles == 0)
        #expect(found.early == 0)
        #expect(found.missing.isEmpty, "fires without their run: \(found.missing)\n\(found.logs)")
        #expect(found.stillRunning == 0)
        #expect(found.exits.count == 3 && found.exits.allSatisfy { $0 == 0 }, "\(found.exits)\n\(found.logs)")
        // No store call failed through PgBouncer ("Cannot record …", "Cannot renew …", "Heartbeat failed").
        #expect(!found.logs.contains("Cannot ") && !found.logs.contains("Heartbeat failed"), "\(found.logs)")
    }

    /// Rewrites `db`'s config with `jobs` below its settings.
    static func writeConfig(_ db: ClusterDatabase, jobs: [String]) throws {
        let text = try String(contentsOfFile: db.config, encoding: .utf8)
        try (text + jobs.joined(separator: "\n") + "\n").write(toFile: db.config, atomically: true, encoding: .utf8)
    }

    /// `url`'s database name on the server of `server` (PgBouncer's `*` entry maps every name).
    static func sameDatabase(_ url: String, at server: String) -> String {
        guard let slash = url.lastIndex(of: "/"), let serverSlash = server.lastIndex(of: "/") else { return url }
        return String(server[..<serverSlash] + url[slash...])
    }
}
