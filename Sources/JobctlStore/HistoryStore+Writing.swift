import Foundation
import GRDB

/// Writing runs: a `running` row when a run starts (or a `skipped` one), its end when it ends.
extension HistoryStore {
    /// `HistoryStore.ExecutionStart` and `ExecutionStart` name the same type.
    public typealias ExecutionStart = JobctlStore.ExecutionStart

    /// Inserts a `running` row; returns its id, or nil when this (job, scheduledFor, attempt) is
    /// already recorded for a schedule/catchup/retry trigger (another process won the race).
    public func begin(_ start: ExecutionStart) throws -> Int64? {
        try insert(start, status: .running, finishedAt: nil, error: nil)
    }

    /// Records a run that did not start (overlap skip, lock held): a finished `skipped` row with
    /// the reason in `error`, no duration and no lateness. Returns nil if that fire is already
    /// recorded.
    public func recordSkipped(_ start: ExecutionStart, reason: String) throws -> Int64? {
        try insert(start, status: .skipped, finishedAt: start.startedAt, error: reason)
    }

    private func insert(_ start: ExecutionStart, status: ExecutionStatus, finishedAt: Date?, error: String?) throws
        -> Int64?
    {
        guard start.attempt >= 1 else {
            throw HistoryError.invalidArgument("attempt must be at least 1, got \(start.attempt)")
        }
        if start.triggeredBy == .schedule || start.triggeredBy == .catchup || start.triggeredBy == .backfill,
            start.scheduledFor == nil
        {
            throw HistoryError.invalidArgument(
                "a \(start.triggeredBy.rawValue) run of \(start.job) needs its fire time")
        }
        let started = HistoryTime.milliseconds(start.startedAt)
        let scheduled = start.scheduledFor?.milliseconds
        let lateness: Int64? =
            (status == .running && (start.triggeredBy == .schedule || start.triggeredBy == .catchup))
            ? scheduled.map { started - $0 } : nil
        return try write { db in
            // Cached: the triggers make a statement on job_executions slow to prepare, and the
            // scheduler's store writes a row per run.
            try db.cachedStatement(
                sql: """
                    INSERT INTO job_executions
                        (job, status, scheduled_at, started_at, finished_at, duration_ms, lateness_ms,
                         attempt, triggered_by, triggered_by_user, host, pid, error)
                    VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
            ).execute(
                arguments: [
                    start.job, status.rawValue, scheduled, started, finishedAt.map(HistoryTime.milliseconds(_:)),
                    lateness, start.attempt, start.triggeredBy.rawValue, start.user, start.host,
                    Int64(start.pid), error,
                ])
            return db.changesCount == 0 ? nil : db.lastInsertedRowID
        }
    }

    /// The most output kept per execution: the last 4 KiB.
    public static let outputLimitBytes = 4096

    /// Completes a row: status, finishedAt (duration = finished − started, never negative),
    /// metrics, error, output (its last 4 KiB). Only a row still `running` is updated, so a
    /// run that was meanwhile marked `interrupted` stays so. Returns whether the row was updated.
    @discardableResult
    public func finish(
        id: Int64, status: ExecutionStatus, finishedAt: Date, metrics: JobMetrics?, error: String?, output: String?
    ) throws -> Bool {
        guard status != .running else {
            throw HistoryError.invalidArgument("finish needs a final status, not running")
        }
        let metricsJSON = try metrics.map(HistoryJSON.encodeMetrics(_:))
        let finished = HistoryTime.milliseconds(finishedAt)
        return try write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE job_executions
                    SET status = ?, finished_at = ?, duration_ms = MAX(0, ? - started_at),
                        metrics = ?, items_processed = ?, error = ?, output = ?
                    WHERE id = ? AND status = 'running'
                    """
            ).execute(
                arguments: [
                    status.rawValue, finished, finished, metricsJSON, metrics.map { Int64($0.processed) },
                    error.map(StoredText.clean), output.map { Self.tail(of: $0) }, id,
                ])
            return db.changesCount > 0
        }
    }

    /// The last `limit` bytes of `text` (an execution's: `outputLimitBytes`), cut at a
    /// character boundary, NULs replaced (`StoredText`). Both stores keep run and hook output
    /// through this one function.
    public static func tail(of output: String, limit: Int = outputLimitBytes) -> String {
        let text = StoredText.clean(output)
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var start = utf8.index(utf8.endIndex, offsetBy: -limit)
        while start < utf8.endIndex, UTF8.isContinuation(utf8[start]) {
            start = utf8.index(after: start)
        }
        return String(text[start...])
    }
}
