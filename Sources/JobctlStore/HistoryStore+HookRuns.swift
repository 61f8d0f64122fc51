import Foundation
import GRDB
import JobctlConfig
import JobctlTime

/// SQLite's `HookRunStore` and `FireLedger` (`hook_runs`, migration "v7-hook-runs").
extension HistoryStore: HookRunStore, FireLedger {
    /// The most output kept per hook run.
    public static let hookOutputLimitBytes = 1024

    public func beginHookRun(_ start: HookRunStart) throws -> Int64 {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO hook_runs (run_id, job, event, status, started_at, host, pid)
                    VALUES (?, ?, ?, 'running', ?, ?, ?)
                    """,
                arguments: [
                    start.runID, start.job, start.event.rawValue, HistoryTime.milliseconds(start.startedAt),
                    start.host, Int64(start.pid),
                ])
            return db.lastInsertedRowID
        }
    }

    @discardableResult
    public func finishHookRun(id: Int64, _ end: HookRunEnd) throws -> Bool {
        guard end.status != .running else {
            throw HistoryError.invalidArgument("finishHookRun needs a final status, not running")
        }
        let finished = HistoryTime.milliseconds(end.finishedAt)
        let output = end.output.map { Self.tail(of: $0, limit: Self.hookOutputLimitBytes) }
        return try write { db in
            try db.execute(
                sql: """
                    UPDATE hook_runs SET status = ?, finished_at = ?, duration_ms = MAX(0, ? - started_at),
                        exit_code = ?, error = ?, output = ?
                    WHERE id = ? AND status = 'running'
                    """,
                arguments: [
                    end.status.rawValue, finished, finished, end.exitCode, end.error.map(StoredText.clean), output, id,
                ])
            return db.changesCount > 0
        }
    }

    public func hookRuns(runID: Int64) throws -> [HookRunRecord] {
        try read { db in
            try HookRunRecord.fetchAll(
                db, sql: "SELECT * FROM hook_runs WHERE run_id = ? ORDER BY started_at, id", arguments: [runID])
        }
    }

    public func latestHookRun(job: String, event: HookEvent) throws -> HookRunRecord? {
        try read { db in
            try HookRunRecord.fetchOne(
                db,
                sql: """
                    SELECT * FROM hook_runs WHERE job = ? AND event = ?
                    ORDER BY started_at DESC, id DESC LIMIT 1
                    """,
                arguments: [job, event.rawValue])
        }
    }

    public func recoverHookRuns(now: Date, isDead: (String, Int32) -> Bool) throws -> Int {
        struct Running { var id: Int64; var host: String; var pid: Int32 }
        let running: [Running] = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, host, pid FROM hook_runs WHERE status = 'running'").map {
                Running(
                    id: try $0.decode(forColumn: "id"), host: try $0.decode(forColumn: "host"),
                    pid: try $0.decode(forColumn: "pid"))
            }
        }
        let dead = running.filter { isDead($0.host, $0.pid) }
        if dead.isEmpty { return 0 }
        let nowMs = HistoryTime.milliseconds(now)
        return try write { db in
            var count = 0
            for row in dead {
                try db.execute(
                    sql: """
                        UPDATE hook_runs SET status = 'interrupted', finished_at = MAX(?, started_at), error = ?
                        WHERE id = ? AND status = 'running'
                        """,
                    arguments: [nowMs, "process \(row.pid) on \(row.host) died", row.id])
                count += db.changesCount
            }
            return count
        }
    }

    public func recordedFires(job: String, after: Date, through: Date) throws -> [RecordedFire] {
        try read { db in
            // The first IN term repeats the fire index's WHERE, so that SQLite reads that index.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT scheduled_at, MAX(attempt) AS last_attempt, MAX(status = 'succeeded') AS succeeded
                    FROM job_executions
                    WHERE job = ? AND triggered_by IN \(BackfillTriggerSchema.fireTriggers)
                      AND scheduled_at > ? AND scheduled_at <= ?
                    GROUP BY scheduled_at ORDER BY scheduled_at
                    """,
                arguments: [job, HistoryTime.milliseconds(after), HistoryTime.milliseconds(through)]
            ).map { row in
                RecordedFire(
                    scheduledAt: HistoryTime.date(milliseconds: try row.decode(Int64.self, forColumn: "scheduled_at")),
                    lastAttempt: try row.decode(Int.self, forColumn: "last_attempt"),
                    succeeded: try row.decode(Int.self, forColumn: "succeeded") != 0)
            }
        }
    }
}
