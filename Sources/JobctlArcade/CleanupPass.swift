import Foundation
import GRDB
import JobctlRunning
import JobctlStore
import JobctlTime

/// One run of `cleanup`: its transactions, their pacing and the run's metrics.
final class CleanupPass {
    let database: ArcadeDatabase
    let context: JobContext
    let batchSize: Int
    /// Rows per step inside a transaction.
    let chunk: Int
    /// `CleanupJob.transactionBudget`, in seconds.
    let budget: Double
    let pauseBetweenBatches: Duration
    private var pause: Duration = .zero
    var metrics = JobMetrics()

    init(_ job: CleanupJob, database: ArcadeDatabase, context: JobContext) {
        self.database = database
        self.context = context
        batchSize = job.batchSize
        chunk = min(job.batchSize, CleanupJob.chunkSize)
        let components = job.transactionBudget.components
        budget = Double(components.seconds) + Double(components.attoseconds) / 1e18
        pauseBetweenBatches = job.pauseBetweenBatches
        for counter in [
            "sessions_deleted", "orphans_deleted", "entries_archived", "entries_kept_for_open_pools", "batches",
            "longest_transaction_ms", "longest_lock_wait_ms",
        ] {
            metrics[counter: counter] = 0
        }
    }

    /// One transaction: pause, check cancellation, take the write lock, then call `step`
    /// (which handles at most the rows it is given and returns how many it handled) until
    /// the batch is full, a step comes back short, or the time budget is spent. Returns
    /// the rows handled and whether the work ran out.
    func batch(_ step: (Database, Int) throws -> Int) async throws -> (count: Int, done: Bool) {
        if pause > .zero { try await Task.sleep(for: pause) }
        try context.checkCancellation()
        let t0 = context.now()
        var acquired = t0
        let (batchSize, chunk, budget, context) = (self.batchSize, self.chunk, self.budget, self.context)
        let (count, done) = try database.writeImmediate { db -> (Int, Bool) in
            acquired = context.now()
            var count = 0
            while count < batchSize {
                let limit = min(chunk, batchSize - count)
                let n = try step(db, limit)
                count += n
                if n < limit { return (count, true) }
                if context.now().timeIntervalSince(acquired) >= budget { break }
            }
            return (count, false)
        }
        let t1 = context.now()
        try database.checkpoint()
        let ms = t1.milliseconds(since: acquired)
        let waited = acquired.milliseconds(since: t0)
        metrics[counter: "batches"] += 1
        metrics[counter: "longest_transaction_ms"] = max(metrics[counter: "longest_transaction_ms"], ms)
        metrics[counter: "longest_lock_wait_ms"] = max(metrics[counter: "longest_lock_wait_ms"], waited)
        context.logger.debug(
            "cleanup: transaction of \(count) rows: waited \(waited) ms for the write lock, held it \(ms) ms, checkpoint \(context.now().milliseconds(since: t1)) ms"
        )
        // Let waiting writers in: at least as long as we held the lock (SQLite's busy
        // timeout polls at growing intervals, 25 ms apart after its first 50 ms).
        pause = pauseBetweenBatches > .zero ? max(pauseBetweenBatches, .milliseconds(ms)) : .zero
        return (count, done)
    }
}
