import Foundation
import GRDB

/// Folding the rows a database held before "v4 create job summaries" into the summaries.
///
/// Each batch is one IMMEDIATE transaction over the next `batchSize` rows by id (the
/// watermark in `job_summary_backfill` moves with them), so a scheduler writing meanwhile
/// waits at most one batch, and its own rows are counted by the triggers. Any process that
/// opens the database for writing finishes an interrupted backfill; two processes doing it at
/// once take turns batch by batch. A read-only open of a database whose backfill is not over
/// reports `needsMigration` (the read commands then reopen it for writing once).
extension HistoryStore {
    /// Rows per backfill transaction: a few tens of milliseconds of write lock.
    static let backfillBatchSize = 2_000

    /// True while rows wait to be folded in (false before v4, as there is nothing to fold).
    static func backfillPending(_ db: Database) throws -> Bool {
        // Not `db.tableExists`, which GRDB caches: another process may have just migrated.
        let exists = try Bool.fetchOne(
            db, sql: "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'job_summary_backfill'")
        guard exists == true else { return false }
        return try Bool.fetchOne(
            db, sql: "SELECT next_id <= last_id FROM job_summary_backfill WHERE one = 1") ?? false
    }

    /// Runs backfill batches until none is pending, or `maxBatches` of them. Returns true when
    /// the backfill is over.
    @discardableResult
    static func backfillSummaries(
        _ dbQueue: DatabaseQueue, batchSize: Int = backfillBatchSize, maxBatches: Int? = nil
    ) throws -> Bool {
        var batches = 0
        while try dbQueue.read(backfillPending) {
            if let maxBatches, batches >= maxBatches { return false }
            try dbQueue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    if try backfillPending(db) {
                        try db.execute(sql: SummarySchema.backfillSQL, arguments: [batchSize])
                        try db.execute(sql: SummarySchema.finishBackfillSQL)
                    }
                    return .commit
                }
            }
            batches += 1
        }
        return true
    }
}
