import Foundation
import GRDB

/// SQLite's side of the pauses (`job_pauses`, migration "v6-job-pauses") and of one fire's
/// attempts (`jobctl show`).
extension HistoryStore {
    /// One write transaction: the insert conflicts on the job's key when it is paused already,
    /// and the pause in force is then read in the same transaction (so the answer is never a
    /// pause lifted meanwhile).
    public func pause(job: String, by: String, note: String?, at: Date) throws -> PauseChange {
        let atMs = HistoryTime.milliseconds(at)
        let pause = JobPause(job: job, by: by, at: HistoryTime.date(milliseconds: atMs), note: note)
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO job_pauses (job, paused_by, paused_at, note) VALUES (?, ?, ?, ?)
                    ON CONFLICT (job) DO NOTHING
                    """,
                arguments: [job, by, atMs, note])
            if db.changesCount > 0 { return .paused(pause) }
            guard let existing = try Self.fetchPause(db, job: job) else {
                throw HistoryError.invalidArgument("the pause of \(job) conflicted but cannot be read")
            }
            return .alreadyPaused(existing)
        }
    }

    public func resume(job: String) throws -> JobPause? {
        try write { db in
            guard let existing = try Self.fetchPause(db, job: job) else { return nil }
            try db.execute(sql: "DELETE FROM job_pauses WHERE job = ?", arguments: [job])
            return existing
        }
    }

    public func pauses() throws -> [JobPause] {
        try read { db in try Self.allPauses(db) }
    }

    static func allPauses(_ db: Database) throws -> [JobPause] {
        try Row.fetchAll(db, sql: "SELECT job, paused_by, paused_at, note FROM job_pauses ORDER BY job")
            .map(decodePause(_:))
    }

    public func activePause(job: String) throws -> JobPause? {
        try read { db in try Self.fetchPause(db, job: job) }
    }

    /// The first IN term repeats the WHERE of the partial index `job_executions_fire` so that
    /// SQLite may use it (manual rows have no fire, so no attempt of a fire is left out).
    public func fireAttempts(job: String, scheduledAt: Date) throws -> [ExecutionRecord] {
        try read { db in
            try ExecutionRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM job_executions
                    WHERE job = ? AND scheduled_at = ? AND triggered_by IN \(BackfillTriggerSchema.fireTriggers)
                    ORDER BY attempt, id
                    """,
                arguments: [job, HistoryTime.milliseconds(scheduledAt)])
        }
    }

    static func fetchPause(_ db: Database, job: String) throws -> JobPause? {
        let statement = try db.cachedStatement(
            sql: "SELECT job, paused_by, paused_at, note FROM job_pauses WHERE job = ?")
        return try Row.fetchOne(statement, arguments: [job]).map(decodePause(_:))
    }

    static func decodePause(_ row: Row) throws -> JobPause {
        JobPause(
            job: try row.decode(forColumn: "job"), by: try row.decode(forColumn: "paused_by"),
            at: HistoryTime.date(milliseconds: try row.decode(forColumn: "paused_at")),
            note: try row.decode(forColumn: "note"))
    }
}
