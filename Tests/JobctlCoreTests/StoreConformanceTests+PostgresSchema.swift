import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlReports
import JobctlTime
import Testing

@testable import JobctlPostgresStore
@testable import JobctlStore

/// The PostgreSQL schema: migrations between nodes starting at once, a newer schema refused,
/// the SQL that must agree with the Swift side, the append-only guard, and the database's
/// clock as the recorded one.
extension StoreConformanceTests {
    /// §7.5: nodes starting at once on a new database serialise on the advisory lock; each
    /// migration is applied once and every node comes up.
    @Test func nodesStartingAtOnceMigrateOnce() throws {
        let nodes = try PostgresNodes()
        let started = WonFires()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                _ = try nodes.node()
                started.add(historyBase)
            } catch {
                started.fail("\(error)")
            }
        }
        #expect(started.errors.isEmpty, "\(started.errors)")
        #expect(started.fires.count == 6)
        let names = try nodes.sql().query("SELECT name FROM jobctl_migrations ORDER BY applied_at, name")
            .compactMap { try $0.string("name") }
        #expect(
            Set(names) == Set(PostgresStateStore.migrationNames)
                && names.count == PostgresStateStore.migrationNames.count)
    }

    @Test func aDatabaseMigratedByANewerJobctlIsRefused() throws {
        let nodes = try PostgresNodes()
        _ = try nodes.node()
        try nodes.sql().execute("INSERT INTO jobctl_migrations (name) VALUES ('pg v99 from the future')")
        #expect(throws: PostgresStateStoreError.newerSchema(migrations: ["pg v99 from the future"])) {
            try nodes.node()
        }
    }

    /// `jobctl_bucket` is `DurationHistogram.key`, the Prometheus bounds are the exporter's, and
    /// the work counters are SQLite's: both stores count the same things in the same buckets.
    @Test func theSQLHelpersAgreeWithTheSwiftSide() throws {
        let nodes = try PostgresNodes()
        _ = try nodes.node()
        var values: [Int64] = Array(-300...300) + [Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        for shift in 7..<63 {
            let power = Int64(1) << shift
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1)]
        }
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            values.append(Int64.random(in: Int64.min...Int64.max, using: &rng) >> Int64.random(in: 0...60, using: &rng))
        }
        let list = "{" + values.map(String.init).joined(separator: ",") + "}"
        let rows = try nodes.sql().query(
            "SELECT v, jobctl_bucket(v) AS k FROM unnest($1::bigint[]) AS v", [.text(list)])
        #expect(rows.count == values.count)
        for row in rows {
            let (value, key) = (try #require(try row.int64("v")), try #require(try row.int("k")))
            #expect(key == DurationHistogram.key(value), "\(value)")
        }
        #expect(PostgresSummarySchema.prometheusBoundsMs == HistoryStore.histogramBoundsMs)
        #expect(
            PostgresSummarySchema.prometheusBoundsMs
                == PrometheusExporter.durationBuckets.map { Int64(($0 * 1000).rounded()) })
        let counters = try nodes.sql().query("SELECT counter, kind FROM jobctl_work_counters ORDER BY counter")
            .map { "\(try $0.string("counter") ?? "")=\(try $0.string("kind") ?? "")" }
        #expect(counters == WorkMarkerSchema.counters.map { "\($0.name)=\($0.kind)" }.sorted())
    }

    /// What the summaries counted cannot be rewritten, as on SQLite: a finished run's status.
    @Test func aFinishedRunCannotBeRewritten() throws {
        let nodes = try PostgresNodes()
        let node = try nodes.node()
        let claim = try #require(try node.claim(PostgresNodes.start("j", fire: historyBase)).claim)
        #expect(try node.finish(claim, ExecutionEnd(status: .failed, finishedAt: historyBase + 1)))
        let error = try #require(throws: PostgresError.self) {
            try nodes.sql().execute(
                "UPDATE jobctl_execution SET status = 'succeeded' WHERE id = $1", [.int64(claim.runID)])
        }
        #expect(error.sqlState == "23514")
        #expect(try node.execution(id: claim.runID)?.status == .failed)
    }

    /// §7.1 (the default): started, finished, lateness and duration come from the database's
    /// clock, not from the instants the node passes (here an hour off).
    @Test func theDatabaseClockIsTheRecordedOneByDefault() throws {
        let nodes = try PostgresNodes()
        let node = try nodes.node(times: .database)
        let before = try nodes.now()
        let fire = before.addingTimeInterval(-2)
        let skewed = before.addingTimeInterval(3600)
        let claim = try #require(try node.claim(PostgresNodes.start("j", fire: fire, at: skewed)).claim)
        #expect(try node.finish(claim, ExecutionEnd(status: .succeeded, finishedAt: skewed + 60)))
        let after = try nodes.now()
        let row = try #require(try node.execution(id: claim.runID))
        #expect(row.startedAt >= before && row.startedAt <= after)
        #expect(try #require(row.finishedAt) >= row.startedAt && row.finishedAt ?? .distantFuture <= after)
        #expect(row.latenessMs == HistoryTime.milliseconds(row.startedAt) - HistoryTime.milliseconds(fire))
        #expect(try #require(row.latenessMs) >= 2000)
        #expect(
            row.durationMs == HistoryTime.milliseconds(row.finishedAt ?? row.startedAt)
                - HistoryTime.milliseconds(row.startedAt))
    }
}
