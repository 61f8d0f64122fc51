import Foundation
import GRDB
import JobctlConfig
import JobctlTime

/// The `backfill` trigger in `job_executions` (part of migration "v7-hook-runs"): the table's
/// CHECK constraints and the partial UNIQUE index that claims each fire once.
///
/// Decisions:
/// - A backfill run is a fire of the schedule: the fire index `job_executions_fire` (job,
///   scheduled_at, attempt) now covers `backfill` too, so a backfill and a scheduled run of the
///   same fire and attempt can never both be recorded, whichever process writes first.
/// - The CHECK constraints of "v1 create job_executions" are widened in place, as SQLite's
///   ALTER TABLE page describes for loosening a CHECK (`writable_schema`, then the schema
///   cookie bumped, in the migration's transaction): `triggered_by` may be `backfill`, and a
///   backfill row needs its `scheduled_at`. Rows already there satisfy the new constraints
///   (none is a backfill), so nothing is copied: the step costs the same on an empty file and on
///   ten million rows, except the fire index, which is rebuilt (one scan of the table).
/// - Each constraint is replaced by its exact text. When the text is not found (the table was
///   changed by something else), the migration fails with a message and nothing is written:
///   the transaction is rolled back.
enum BackfillTriggerSchema {
    /// The triggers of a fire: the WHERE of the partial fire index. A query that wants that
    /// index repeats this text exactly (SQLite matches a partial index's WHERE by its terms).
    static let fireTriggers = "('schedule','catchup','retry','backfill')"

    static let replacements: [(old: String, new: String)] = [
        (
            "CHECK (triggered_by IN ('schedule','catchup','retry','manual'))",
            "CHECK (triggered_by IN ('schedule','catchup','retry','manual','backfill'))"
        ),
        (
            "CHECK (triggered_by NOT IN ('schedule','catchup') OR scheduled_at IS NOT NULL)",
            "CHECK (triggered_by NOT IN ('schedule','catchup','backfill') OR scheduled_at IS NOT NULL)"
        ),
    ]

    struct SchemaMismatch: Error, CustomStringConvertible {
        var missing: String
        var description: String {
            "job_executions does not have the constraint \(missing) that v7-hook-runs widens; not migrating"
        }
    }

    static func allowBackfill(_ db: Database) throws {
        let sql =
            try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'job_executions'")
            ?? ""
        var widened = sql
        for (old, new) in replacements {
            guard widened.contains(old) else { throw SchemaMismatch(missing: old) }
            widened = widened.replacingOccurrences(of: old, with: new)
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        try db.execute(
            sql: "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'job_executions'",
            arguments: [widened])
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
        db.clearSchemaCache()
        try db.execute(
            sql: """
                DROP INDEX job_executions_fire;
                CREATE UNIQUE INDEX job_executions_fire ON job_executions(job, scheduled_at, attempt)
                    WHERE triggered_by IN \(fireTriggers);
                """)
    }
}
