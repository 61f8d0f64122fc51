import Foundation
import GRDB
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
/// Each transaction handles at most `batch_size` rows and takes the write lock up front; the
/// job checks for cancellation and pauses briefly between batches so that the arcade's own
/// writers, polling with their busy timeout, get the lock in between. It never touches
/// completed sessions, pools or payouts.
public struct CleanupJob: BuiltinJob {
    public static let name = "cleanup"
    public static let summary = "deletes expired sessions and orphaned entries, archives old leaderboard entries"
    public static let options: [JobOptionSpec] = [
        JobOptionSpec("session_expiry", .duration, help: "delete active sessions older than this (default 30m)"),
        JobOptionSpec("archive_after", .duration, help: "archive daily/weekly entries whose period ended longer ago than this (default 90d)"),
        JobOptionSpec("batch_size", .integer(1...100_000), help: "rows per transaction (default 5000)"),
    ]

    public static let defaultSessionExpiryMilliseconds: Int64 = 30 * 60 * 1000
    public static let defaultArchiveAfterMilliseconds: Int64 = 90 * 86_400_000
    public static let defaultBatchSize = 5000

    public var sessionExpiryMilliseconds: Int64
    public var archiveAfterMilliseconds: Int64
    public var batchSize: Int
    /// The pause between two write transactions, so that waiting writers get the lock.
    public var pauseBetweenBatches: Duration = .milliseconds(5)

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

    public func cutoffs(now: Date, timeZone: TimeZone) -> Cutoffs {
        let nowMs = ArcadeTime.epochMilliseconds(now)
        let sessionCutoff = ArcadeTime.timestamp(milliseconds: nowMs - sessionExpiryMilliseconds)
        let archiveMs = nowMs - archiveAfterMilliseconds
        let archiveDate = Date(timeIntervalSince1970: Double(archiveMs) / 1000)
        let localMs = archiveMs + Int64(timeZone.secondsFromGMT(for: archiveDate)) * 1000
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

    public func run(_ context: JobContext) async throws -> JobResult {
        let started = context.now()
        let logger = context.logger
        let database = try ArcadeDatabase.open(context, job: Self.name)
        let cut = cutoffs(now: started, timeZone: context.timeZone)
        logger.info(
            "cleanup: start — active sessions created before \(cut.sessionCreatedBefore), orphaned entries, daily entries up to \(cut.lastArchivedDaily) and weekly up to \(cut.lastArchivedWeekly) to archive (batches of \(batchSize))"
        )
        var metrics = JobMetrics()
        metrics[counter: "sessions_deleted"] = 0
        metrics[counter: "orphans_deleted"] = 0
        metrics[counter: "entries_archived"] = 0
        metrics[counter: "batches"] = 0
        metrics[counter: "longest_transaction_ms"] = 0

        var first = true
        /// One batch: pause, check cancellation, run the transaction, time it.
        func batch(_ body: (Database) throws -> Int) async throws -> Int {
            if !first && pauseBetweenBatches > .zero { try await Task.sleep(for: pauseBetweenBatches) }
            first = false
            try context.checkCancellation()
            let t0 = context.now()
            let count = try database.writeImmediate(body)
            let ms = Int64((context.now().timeIntervalSince(t0) * 1000).rounded())
            metrics[counter: "batches"] += 1
            metrics[counter: "longest_transaction_ms"] = max(metrics[counter: "longest_transaction_ms"], ms)
            return count
        }

        // 1. Expired active sessions.
        while true {
            let deleted = try await batch { db in
                try db.execute(
                    sql: """
                        DELETE FROM game_sessions WHERE rowid IN (
                          SELECT rowid FROM game_sessions
                          WHERE status = 'active' AND created_at < ? LIMIT ?)
                        """,
                    arguments: [cut.sessionCreatedBefore, batchSize])
                return db.changesCount
            }
            metrics[counter: "sessions_deleted"] += Int64(deleted)
            if deleted < batchSize { break }
        }
        logger.info("cleanup: deleted \(metrics[counter: "sessions_deleted"]) expired active sessions")

        // 2. Orphaned entries: find in a snapshot, delete after checking again.
        var after: Int64 = Int64.min
        while true {
            try context.checkCancellation()
            let candidates: [Int64] = try database.read { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT e.id FROM leaderboard_entries e
                        WHERE e.id > ?
                          AND NOT EXISTS (SELECT 1 FROM game_sessions s WHERE s.id = e.session_id)
                        ORDER BY e.id LIMIT ?
                        """,
                    arguments: [after, batchSize])
            }
            guard let last = candidates.last else { break }
            after = last
            let ids = Self.jsonArray(candidates)
            let deleted = try await batch { db in
                try db.execute(
                    sql: """
                        DELETE FROM leaderboard_entries
                        WHERE id IN (SELECT value FROM json_each(?))
                          AND NOT EXISTS (
                            SELECT 1 FROM game_sessions s WHERE s.id = leaderboard_entries.session_id)
                        """,
                    arguments: [ids])
                return db.changesCount
            }
            metrics[counter: "orphans_deleted"] += Int64(deleted)
            if candidates.count < batchSize { break }
        }
        logger.info("cleanup: deleted \(metrics[counter: "orphans_deleted"]) orphaned leaderboard entries")

        // 3. Archive old daily and weekly entries.
        let archivedAt = ArcadeTime.timestamp(started)
        for (period, lastDate) in [("daily", cut.lastArchivedDaily), ("weekly", cut.lastArchivedWeekly)] {
            while true {
                let moved = try await batch { db in
                    let ids = try Int64.fetchAll(
                        db,
                        sql: """
                            SELECT id FROM leaderboard_entries
                            WHERE period_type = ? AND period_date <= ? LIMIT ?
                            """,
                        arguments: [period, lastDate, batchSize])
                    if ids.isEmpty { return 0 }
                    let list = Self.jsonArray(ids)
                    try db.execute(
                        sql: """
                            INSERT INTO leaderboard_archive
                              (id, session_id, game_type, player_address, score, period_type,
                               period_date, created_at, archived_at)
                            SELECT id, session_id, game_type, player_address, score, period_type,
                                   period_date, created_at, ?
                            FROM leaderboard_entries WHERE id IN (SELECT value FROM json_each(?))
                            """,
                        arguments: [archivedAt, list])
                    let inserted = db.changesCount
                    try db.execute(
                        sql: "DELETE FROM leaderboard_entries WHERE id IN (SELECT value FROM json_each(?))",
                        arguments: [list])
                    guard db.changesCount == inserted else {
                        throw ArcadeDatabaseError(
                            path: database.path,
                            message: "archived \(inserted) entries but deleted \(db.changesCount); rolled back")
                    }
                    return inserted
                }
                metrics[counter: "entries_archived"] += Int64(moved)
                if moved < batchSize { break }
            }
        }
        logger.info("cleanup: archived \(metrics[counter: "entries_archived"]) leaderboard entries")

        metrics.processed = Int(
            metrics[counter: "sessions_deleted"] + metrics[counter: "orphans_deleted"] + metrics[counter: "entries_archived"])
        metrics.created = Int(metrics[counter: "entries_archived"])
        let elapsed = Int((context.now().timeIntervalSince(started) * 1000).rounded())
        logger.info(
            "cleanup: done — \(metrics[counter: "sessions_deleted"]) sessions deleted, \(metrics[counter: "orphans_deleted"]) orphans deleted, \(metrics[counter: "entries_archived"]) entries archived in \(metrics[counter: "batches"]) transactions (longest \(metrics[counter: "longest_transaction_ms"]) ms), in \(elapsed) ms"
        )
        return JobResult(metrics: metrics)
    }

    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
