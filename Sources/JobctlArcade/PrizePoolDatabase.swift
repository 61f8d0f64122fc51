import Foundation

/// What `prizepool` needs of its database: the seam between its decisions (which pool is due,
/// the winner walk's verdict, the money checks, the tally; all in `PrizePoolJob`) and the SQL of
/// SQLite (`ArcadeDatabase`) or PostgreSQL (`ArcadePostgresDatabase`).
protocol PrizePoolDatabase {
    /// The active pools that have ended (or are malformed), and `sessions_seen` for the 24 hours
    /// before `seenBefore`, from one snapshot.
    func duePools(
        lastDaily: String, lastWeekly: String, seenBefore: Date
    ) throws -> (due: [PrizePoolJob.Due], seen: Int64)

    /// Finalizes one pool in a transaction of its own (`PrizePoolJob.finalize`'s contract);
    /// throws `ArcadeRunSuperseded` when the run's fence no longer holds.
    func finalize(_ pool: PrizePoolJob.Pool, finalizedAt: String, paidSoFar: Int64) throws -> PrizePoolJob.PoolOutcome

    /// Entries of the pool's board that cleanup archived.
    func archivedEntries(of pool: PrizePoolJob.Pool) throws -> Int64
}

extension ArcadeDatabase: PrizePoolDatabase {
    func duePools(lastDaily: String, lastWeekly: String, seenBefore: Date) throws -> (
        due: [PrizePoolJob.Due], seen: Int64
    ) {
        try read { db in
            (
                try PrizePoolJob.duePools(db, lastDaily: lastDaily, lastWeekly: lastWeekly),
                try PrizePoolJob.sessionsSeen(db, before: seenBefore)
            )
        }
    }

    func finalize(_ pool: PrizePoolJob.Pool, finalizedAt: String, paidSoFar: Int64) throws -> PrizePoolJob.PoolOutcome {
        try writeImmediate { db in try PrizePoolJob.finalize(pool, finalizedAt: finalizedAt, paidSoFar: paidSoFar, db) }
    }

    func archivedEntries(of pool: PrizePoolJob.Pool) throws -> Int64 {
        try PrizePoolJob.archivedEntries(of: pool, self)
    }
}
