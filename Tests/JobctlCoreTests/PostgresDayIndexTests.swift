import Foundation
import JobctlPostgres
import JobctlPostgresStore
import Testing

/// `stats --since` on PostgreSQL scanned the whole day tables (`day >= $1` over every job, which
/// their `(job, day, …)` keys cannot serve): "pg v5" indexes them by day.
@Suite(.postgresCluster) struct PostgresDayIndexTests {
    @Test func statsSinceReadsTheDayTablesByAnIndexOnDay() throws {
        let nodes = try PostgresNodes()
        _ = try nodes.node()
        let connection = try nodes.sql()
        for table in ["jobctl_day_summary", "jobctl_day_status", "jobctl_day_durations"] {
            let definitions = try connection.query(
                "SELECT indexdef FROM pg_indexes WHERE tablename = $1", [.text(table)]
            ).compactMap { try $0.string("indexdef") }
            #expect(definitions.contains { $0.hasSuffix("(day)") }, "\(table): \(definitions)")
        }
        // With sequential scans priced out, the planner reads a window of days through it.
        let plan = try connection.transaction { tx in
            try tx.execute("SET LOCAL enable_seqscan = off")
            return try tx.query("EXPLAIN SELECT * FROM jobctl_day_durations WHERE day >= 20000")
                .compactMap { try $0.string("QUERY PLAN") }.joined(separator: "\n")
        }
        #expect(plan.contains("jobctl_day_durations_day"), "\(plan)")
    }
}
