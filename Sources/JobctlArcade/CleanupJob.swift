import Foundation
import GRDB
import JobctlConfig
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// `cleanup`: housekeeping in short batches.
///
/// 1. Deletes `active` sessions created before `now - session_expiry` (strictly older: a
///    session exactly at the cutoff stays).
/// 2. Deletes leaderboard entries whose session does not exist (including those of the
///    sessions step 1 just deleted). Candidates are found in a WAL snapshot read (which blocks
///    no one), and deleted in a write transaction that checks again that the session is still
///    missing.
/// 3. Moves daily and weekly entries whose period ended more than `archive_after` ago into
///    `leaderboard_archive`: `INSERT … SELECT` and `DELETE` of the same ids in one
///    transaction. A daily period `D` ends at 00:00 of `D+1` in the job's zone, a weekly
///    period (its Monday `M`) at 00:00 of `M+7`; a period that ended exactly `archive_after`
///    ago stays.
///
/// Each transaction takes the write lock up front and handles at most `batch_size` rows, in
/// steps of up to 500, and ends early once it has worked `transactionBudget` (40 ms), so the
/// lock is held briefly even on a busy machine. Between transactions the job checks for
/// cancellation, runs a passive checkpoint (outside the lock, so that the arcade's commits
/// don't pay for our pages) and pauses at least as long as it held the lock, so that the
/// arcade's own writers, polling with their busy timeout, get in. It never touches
/// completed sessions, pools or payouts.
public struct CleanupJob: BuiltinJob {
    public static let name = "cleanup"
    public static let summary = "deletes expired sessions and orphaned entries, archives old leaderboard entries"
    public static let options: [JobOptionSpec] = [
        JobOptionSpec("session_expiry", .duration),
        JobOptionSpec("archive_after", .duration),
        JobOptionSpec("batch_size", .integer(1...100_000)),
    ]

    public static let defaultSessionExpiryMilliseconds: Int64 = 30 * 60 * 1000
    public static let defaultArchiveAfterMilliseconds: Int64 = 90 * 86_400_000
    public static let defaultBatchSize = 5000

    public var sessionExpiryMilliseconds: Int64
    public var archiveAfterMilliseconds: Int64
    public var batchSize: Int
    /// The shortest pause between two write transactions, so that waiting writers get the
    /// lock; the pause is at least as long as the previous transaction held the lock.
    public var pauseBetweenBatches: Duration = .milliseconds(10)
    /// A transaction also ends once it has worked this long (checked every `chunkSize` rows),
    /// even with fewer than `batch_size` rows: on a slow or busy machine the lock is still
    /// held only briefly.
    public var transactionBudget: Duration = .milliseconds(40)
    static let chunkSize = 500

    public init(options: [String: JobOptionValue]) {
        sessionExpiryMilliseconds = options.duration("session_expiry", default: Self.defaultSessionExpiryMilliseconds)
        archiveAfterMilliseconds = options.duration("archive_after", default: Self.defaultArchiveAfterMilliseconds)
        batchSize = max(1, options.integer("batch_size", default: Self.defaultBatchSize))
    }

    public init(
        sessionExpiryMilliseconds: Int64 = Self.defaultSessionExpiryMilliseconds,
        archiveAfterMilliseconds: Int64 = Self.defaultArchiveAfterMilliseconds,
        batchSize: Int = Self.defaultBatchSize
    ) {
        self.sessionExpiryMilliseconds = sessionExpiryMilliseconds
        self.archiveAfterMilliseconds = archiveAfterMilliseconds
        self.batchSize = max(1, batchSize)
    }

    /// The cutoffs of one run.
    public struct Cutoffs: Sendable, Equatable {
        /// Active sessions with `created_at` before this are expired.
        public var sessionCreatedBefore: String
        /// Daily entries dated on or before this are archived.
        public var lastArchivedDaily: String
        /// Weekly entries dated (Monday) on or before this are archived.
        public var lastArchivedWeekly: String
    }

    public func cutoffs(now: Date, zone: ZoneRules) -> Cutoffs {
        let nowMs = ArcadeTime.epochMilliseconds(now)
        let sessionCutoff = ArcadeTime.timestamp(milliseconds: nowMs - sessionExpiryMilliseconds)
        let archiveMs = nowMs - archiveAfterMilliseconds
        let localMs = archiveMs + zone.offset(at: Civil.floorDiv(archiveMs, 1000)) * 1000
        let day = Civil.floorDiv(localMs, 86_400_000)
        let intoDay = localMs - day * 86_400_000
        // Daily D ended at (D+1) 00:00; it is archived when that is strictly before the cutoff.
        let lastDaily = Int(intoDay == 0 ? day - 2 : day - 1)
        // Weekly M ends when daily M+6 ends.
        let lastWeekly = lastDaily - 6
        return Cutoffs(
            sessionCreatedBefore: sessionCutoff,
            lastArchivedDaily: ArcadeTime.dateString(day: lastDaily),
            lastArchivedWeekly: ArcadeTime.dateString(day: lastWeekly))
    }

    /// The three steps of the type's note, in order, each in batches (`CleanupPass`).
    public func run(_ context: JobContext) async throws -> JobResult {
        if ArcadePostgresDatabase.isURL(context.appDatabasePath ?? "") { return try await runOnPostgres(context) }
        let started = context.now()
        let logger = context.logger
        let database = try ArcadeDatabase.open(context, job: Self.name, durable: false)
        let cut = cutoffs(now: started, zone: context.zone)
        logger.info(
            "cleanup: start — active sessions created before \(cut.sessionCreatedBefore), orphaned entries, daily entries up to \(cut.lastArchivedDaily) and weekly up to \(cut.lastArchivedWeekly) to archive (batches of \(batchSize))"
        )
        let pass = CleanupPass(self, database: database, context: context)
        try await deleteExpiredSessions(pass, createdBefore: cut.sessionCreatedBefore)
        try await deleteOrphanedEntries(pass)
        try await archiveEntries(pass, cut: cut, archivedAt: ArcadeTime.timestamp(started))

        let metrics = Self.totals(pass.metrics)
        let elapsed = context.now().milliseconds(since: started)
        logger.info(
            "cleanup: done — \(metrics[counter: "sessions_deleted"]) sessions deleted, \(metrics[counter: "orphans_deleted"]) orphans deleted, \(metrics[counter: "entries_archived"]) entries archived in \(metrics[counter: "batches"]) transactions (longest \(metrics[counter: "longest_transaction_ms"]) ms), in \(elapsed) ms"
        )
        return JobResult(metrics: metrics)
    }

    /// 1. Expired active sessions.
    func deleteExpiredSessions(_ pass: CleanupPass, createdBefore cutoff: String) async throws {
        while true {
            let (deleted, done) = try await pass.batch { db, limit in
                try db.execute(
                    sql: """
                        DELETE FROM game_sessions WHERE rowid IN (
                          SELECT rowid FROM game_sessions
                          WHERE status = 'active' AND created_at < ? LIMIT ?)
                        """,
                    arguments: [cutoff, limit])
                return db.changesCount
            }
            pass.metrics[counter: "sessions_deleted"] += Int64(deleted)
            if done { break }
        }
        let deleted = pass.metrics[counter: "sessions_deleted"]
        pass.context.logger.info("cleanup: deleted \(deleted) expired active sessions")
    }

    /// 2. Orphaned entries: found in a snapshot, deleted after checking again.
    func deleteOrphanedEntries(_ pass: CleanupPass) async throws {
        var after: Int64 = Int64.min
        while true {
            try pass.context.checkCancellation()
            let candidates: [Int64] = try pass.database.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT e.rowid FROM leaderboard_entries e
                        WHERE e.rowid > ?
                          AND NOT EXISTS (SELECT 1 FROM game_sessions s WHERE s.id = e.session_id)
                        ORDER BY e.rowid LIMIT ?
                        """,
                    arguments: [after, batchSize]
                ).compactMap { $0.stored(0).exactInteger }
            }
            guard let last = candidates.last else { break }
            after = last
            var pending = candidates[...]
            while !pending.isEmpty {
                _ = try await pass.batch { db, limit in
                    let ids = pending.prefix(limit)
                    if ids.isEmpty { return 0 }
                    pending = pending.dropFirst(ids.count)
                    try db.execute(
                        sql: """
                            DELETE FROM leaderboard_entries
                            WHERE rowid IN (SELECT value FROM json_each(?))
                              AND NOT EXISTS (
                                SELECT 1 FROM game_sessions s WHERE s.id = leaderboard_entries.session_id)
                            """,
                        arguments: [Self.jsonArray(Array(ids))])
                    pass.metrics[counter: "orphans_deleted"] += Int64(db.changesCount)
                    return ids.count
                }
            }
            if candidates.count < batchSize { break }
        }
        pass.context.logger.info(
            "cleanup: deleted \(pass.metrics[counter: "orphans_deleted"]) orphaned leaderboard entries")
    }

    /// 3. Old daily and weekly entries archived, except those of a pool not yet finalized.
    func archiveEntries(_ pass: CleanupPass, cut: Cutoffs, archivedAt: String) async throws {
        let logger = pass.context.logger
        for (period, lastDate) in [("daily", cut.lastArchivedDaily), ("weekly", cut.lastArchivedWeekly)] {
            var cursor: ArchiveCursor?
            while true {
                let (_, done) = try await pass.batch { db, limit in
                    let step = try Self.archiveStep(
                        db, period: period, lastDate: lastDate, after: cursor, limit: limit, archivedAt: archivedAt,
                        path: pass.database.path)
                    cursor = step.cursor ?? cursor
                    pass.metrics[counter: "entries_archived"] += step.archived
                    pass.metrics[counter: "entries_kept_for_open_pools"] += step.kept
                    return step.scanned
                }
                if done { break }
            }
        }
        if pass.metrics[counter: "entries_kept_for_open_pools"] > 0 {
            let kept = pass.metrics[counter: "entries_kept_for_open_pools"]
            logger.warning("cleanup: kept \(kept) old entries whose pool is not finalized yet (is prizepool behind?)")
        }
        logger.info("cleanup: archived \(pass.metrics[counter: "entries_archived"]) leaderboard entries")
    }

    /// Where the archive scan of one period type stands: the last entry looked at.
    struct ArchiveCursor {
        var periodDate: DatabaseValue
        var rowID: Int64
    }

    /// One step of the archive: looks at up to `limit` entries after `cursor` in
    /// (period_date, rowid) order and moves those whose (game, period type, date) has no pool
    /// or a `finalized` one. Entries of a pool in any other state (`active`, or anything
    /// else) stay: archiving them would leave prizepool an empty board. The cursor makes the
    /// scan linear even when many entries are kept.
    static func archiveStep(
        _ db: Database, period: String, lastDate: String, after cursor: ArchiveCursor?, limit: Int,
        archivedAt: String, path: String
    ) throws -> (scanned: Int, archived: Int64, kept: Int64, cursor: ArchiveCursor?) {
        let after = cursor == nil ? "" : "AND (e.period_date, e.rowid) > (:date, :rowid)"
        var arguments: StatementArguments = ["period": period, "last": lastDate, "limit": limit]
        if let cursor {
            arguments += ["date": cursor.periodDate, "rowid": cursor.rowID]
        }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT e.rowid, e.period_date,
                       EXISTS (SELECT 1 FROM prize_pools p
                               WHERE p.game_type = e.game_type AND p.period_type = e.period_type
                                 AND p.period_date = e.period_date AND p.status IS NOT 'finalized') AS open_pool
                FROM leaderboard_entries e
                WHERE e.period_type = :period AND e.period_date <= :last \(after)
                ORDER BY e.period_date, e.rowid LIMIT :limit
                """,
            arguments: arguments)
        // Written without nested optional closures: Swift 6.3's release optimizer crashed
        // ("Found ownership error") on the closure form of this function.
        var last: ArchiveCursor? = nil
        if let row = rows.last, let rowID = row.stored(0).exactInteger {
            last = ArchiveCursor(periodDate: row.stored(1), rowID: rowID)
        }
        var ids: [Int64] = []
        for row in rows where row.stored(2).exactInteger == 0 {
            if let id = row.stored(0).exactInteger { ids.append(id) }
        }
        let kept = Int64(rows.count - ids.count)
        if ids.isEmpty { return (rows.count, 0, kept, last) }
        let list = jsonArray(ids)
        try db.execute(
            sql: """
                INSERT INTO leaderboard_archive
                  (id, session_id, game_type, player_address, score, period_type,
                   period_date, created_at, archived_at)
                SELECT id, session_id, game_type, player_address, score, period_type,
                       period_date, created_at, ?
                FROM leaderboard_entries WHERE rowid IN (SELECT value FROM json_each(?))
                """,
            arguments: [archivedAt, list])
        let inserted = db.changesCount
        try db.execute(
            sql: "DELETE FROM leaderboard_entries WHERE rowid IN (SELECT value FROM json_each(?))", arguments: [list])
        guard db.changesCount == inserted else {
            throw ArcadeDatabaseError(
                path: path, message: "archived \(inserted) entries but deleted \(db.changesCount); rolled back")
        }
        return (rows.count, Int64(inserted), kept, last)
    }

    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// A pass's counters with its totals: every row deleted or archived was processed, every
    /// archived entry created (one definition for SQLite's pass and PostgreSQL's).
    static func totals(_ counted: JobMetrics) -> JobMetrics {
        var metrics = counted
        metrics.processed = Int(
            metrics[counter: "sessions_deleted"] + metrics[counter: "orphans_deleted"]
                + metrics[counter: "entries_archived"])
        metrics.created = Int(metrics[counter: "entries_archived"])
        return metrics
    }
}
