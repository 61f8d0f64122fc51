import Foundation
import GRDB
import JobctlStore

/// Fills a history with synthetic executions, for benchmarks and demos (`jobctl-dev _history-seed`).
/// Deterministic: the same arguments give the same rows.
public enum HistorySeeder {
    public static let defaultJobs = ["prizepool", "leaderboard", "cleanup", "backup", "report"]

    /// Inserts `rows` finished executions, one fire a minute per job starting at `start`, with
    /// one reused prepared statement in one transaction. Statuses: 85 % succeeded, 8 % failed,
    /// 3 % partial, 2 % skipped, 1 % timed out, 1 % interrupted.
    public static func seed(_ store: HistoryStore, rows: Int, start: Date, jobs: [String] = defaultJobs) throws {
        guard rows >= 0, !jobs.isEmpty else {
            throw HistoryError.invalidArgument("seed needs a non-negative row count and at least one job")
        }
        let startMs = HistoryTime.milliseconds(start)
        let okMetrics = try HistoryJSON.encodeMetrics(
            JobMetrics(processed: 5, updated: 2, counters: ["pools_finalized": 2, "payout_total": 420_000]))
        let partialMetrics = try HistoryJSON.encodeMetrics(JobMetrics(processed: 3, skipped: 2))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        try store.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO job_executions
                        (job, status, scheduled_at, started_at, finished_at, duration_ms, lateness_ms, attempt,
                         triggered_by, host, pid, metrics, items_processed, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'schedule', 'bench-host', ?, ?, ?, ?)
                    """)
            for i in 0..<rows {
                let job = jobs[i % jobs.count]
                let scheduled = startMs + Int64(i / jobs.count) * 60_000
                let lateness = Int64(next() % 1500)
                let started = scheduled + lateness
                let roll = next() % 100
                let status: ExecutionStatus =
                    roll < 85
                    ? .succeeded
                    : roll < 93
                        ? .failed
                        : roll < 96
                            ? .partial
                            : roll < 98 ? .skipped : roll < 99 ? .timedOut : .interrupted
                // Durations from 5 ms to about 40 s, most of them short.
                let magnitude = next() % 4
                let duration = Int64(5 + next() % ([200, 2_000, 10_000, 40_000] as [UInt64])[Int(magnitude)])
                let ran = status != .skipped && status != .interrupted
                let finished = status == .skipped ? started : started + duration
                let metrics: String? =
                    status == .succeeded ? okMetrics : status == .partial ? partialMetrics : nil
                let processed: Int64? = status == .succeeded ? 5 : status == .partial ? 3 : nil
                let error: String? =
                    switch status {
                    case .failed: "database is locked"
                    case .partial: "game 7: query failed"
                    case .skipped: "still running (overlap=skip)"
                    case .timedOut: "timed out after 30s"
                    case .interrupted: "process 4242 on bench-host died"
                    default: nil
                    }
                statement.setUncheckedArguments([
                    job, status.rawValue, scheduled, started, finished, ran ? duration : nil,
                    status == .skipped ? nil : lateness, Int64(4242), metrics, processed, error,
                ])
                try statement.execute()
            }
        }
    }
}
