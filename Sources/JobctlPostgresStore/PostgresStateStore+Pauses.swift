import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// Pauses (issue 12) on PostgreSQL: one `jobctl_pause` row per paused job, shared by every node,
/// so a pause holds on every host at the job's next fire (the runner reads `activePause` before
/// it claims, as on SQLite, and records the fire `skipped` with the pause's reason).
extension PostgresStateStore {
    public func pause(job: String, by: String, note: String?, at: Date) throws -> PauseChange {
        let parameters: [PostgresValue?] = [.text(job), .text(by), try recorded(at), note.map(PostgresValue.text)]
        return try transaction { tx in
            let inserted = try tx.query(
                """
                INSERT INTO jobctl_pause (job, paused_by, paused_at, note)
                VALUES ($1::text, $2::text, COALESCE($3::timestamptz, \(Self.recordedNowSQL)), $4::text)
                ON CONFLICT (job) DO NOTHING
                RETURNING \(Self.pauseColumns)
                """, parameters)
            if let row = inserted.first { return .paused(try Self.pause(row)) }
            guard let existing = try Self.fetchPause(tx, job: job) else {
                throw PostgresStateStoreError.invalidArgument("the pause of \(job) conflicted but cannot be read")
            }
            return .alreadyPaused(existing)
        }
    }

    public func resume(job: String) throws -> JobPause? {
        try transaction { tx in
            try tx.query("DELETE FROM jobctl_pause WHERE job = $1::text RETURNING \(Self.pauseColumns)", [.text(job)])
                .first.map(Self.pause)
        }
    }

    public func pauses() throws -> [JobPause] {
        try transaction { tx in try Self.allPauses(tx) }
    }

    public func activePause(job: String) throws -> JobPause? {
        try transaction { tx in try Self.fetchPause(tx, job: job) }
    }

    /// The attempts of one fire (`jobctl show`): every trigger but manual, which has no fire.
    public func fireAttempts(job: String, scheduledAt: Date) throws -> [ExecutionRecord] {
        let parameters: [PostgresValue?] = [.text(job), try Self.timestamp(scheduledAt)]
        return try transaction { tx in
            try tx.query(
                """
                SELECT \(PostgresExecutionRow.columns(of: "e")) FROM jobctl_execution e
                WHERE e.job = $1::text AND e.scheduled_at = $2::timestamptz AND e.triggered_by <> 'manual'
                ORDER BY e.attempt, e.id
                """, parameters
            ).map(PostgresExecutionRow.record)
        }
    }

    static let pauseColumns = "job, paused_by, jobctl_ms(paused_at) AS paused_ms, note"

    static func allPauses(_ tx: PostgresConnection) throws -> [JobPause] {
        try tx.query("SELECT \(pauseColumns) FROM jobctl_pause ORDER BY job").map(pause)
    }

    static func fetchPause(_ tx: PostgresConnection, job: String) throws -> JobPause? {
        try tx.query("SELECT \(pauseColumns) FROM jobctl_pause WHERE job = $1::text", [.text(job)]).first.map(pause)
    }

    static func pause(_ row: PostgresRow) throws -> JobPause {
        guard let job = try row.string("job"), let by = try row.string("paused_by"),
            let ms = try row.int64("paused_ms")
        else { throw PostgresStateStoreError.invalidArgument("a jobctl_pause row lacks its job, author or time") }
        return JobPause(job: job, by: by, at: HistoryTime.date(milliseconds: ms), note: try row.string("note"))
    }
}
