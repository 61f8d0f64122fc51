import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// `jobctl_execution` rows as `ExecutionRecord`s: the column list every read selects, and the
/// decoding. Times are read as whole milliseconds (`jobctl_ms`), the store's unit. Nothing is
/// force-decoded: a row this binary cannot read throws, as SQLite's reader does.
enum PostgresExecutionRow {
    /// The columns of a record, for `SELECT \(columns(of: "e")) FROM jobctl_execution e`.
    static func columns(of alias: String) -> String {
        let e = alias
        return """
            \(e).id, \(e).job, \(e).status, jobctl_ms(\(e).scheduled_at) AS scheduled_ms,
            jobctl_ms(\(e).started_at) AS started_ms, jobctl_ms(\(e).finished_at) AS finished_ms,
            \(e).duration_ms, \(e).lateness_ms, \(e).attempt, \(e).triggered_by, \(e).triggered_user,
            \(e).host, \(e).pid, \(e).metrics, \(e).error, \(e).output
            """
    }

    static func record(_ row: PostgresRow) throws -> ExecutionRecord {
        let id = try row.int64("id")
        let statusText = try row.string("status") ?? ""
        guard let status = ExecutionStatus(rawValue: statusText) else {
            throw PostgresStateStoreError.unreadableRow("unknown status \"\(statusText)\" in run \(id ?? 0)")
        }
        let triggerText = try row.string("triggered_by") ?? ""
        guard let trigger = TriggerKind(rawValue: triggerText) else {
            throw PostgresStateStoreError.unreadableRow("unknown trigger \"\(triggerText)\" in run \(id ?? 0)")
        }
        guard let job = try row.string("job"), let started = try row.int64("started_ms") else {
            throw PostgresStateStoreError.unreadableRow("run \(id ?? 0) has no job or start")
        }
        let pid = try row.int64("pid").flatMap { Int32(exactly: $0) } ?? 0
        return ExecutionRecord(
            id: id, job: job, status: status, scheduledAt: try row.int64("scheduled_ms").map(date),
            startedAt: date(started), finishedAt: try row.int64("finished_ms").map(date),
            durationMs: try row.int64("duration_ms"), latenessMs: try row.int64("lateness_ms"),
            attempt: try row.int("attempt") ?? 1, triggeredBy: trigger,
            triggeredByUser: try row.string("triggered_user"),
            host: try row.string("host") ?? "", pid: pid, metrics: metrics(try row.string("metrics")),
            error: try row.string("error"), output: try row.string("output"))
    }

    static func date(_ milliseconds: Int64) -> Date { HistoryTime.date(milliseconds: milliseconds) }

    /// A metrics value that no longer decodes is shown as absent, not as a failed read (as on
    /// SQLite).
    static func metrics(_ json: String?) -> JobMetrics? {
        guard let json, let data = json.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(JobMetrics.self, from: data)
    }

    /// Metrics as stored: JSON with sorted keys (SQLite's `HistoryJSON`).
    static func encode(_ metrics: JobMetrics) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(metrics), as: UTF8.self)
    }
}
