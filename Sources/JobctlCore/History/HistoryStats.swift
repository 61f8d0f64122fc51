import Foundation
import GRDB

/// Figures for one job, or for all jobs together (`job == nil`).
///
/// Counts, durations and lateness cover the executions that started in the window (`since`);
/// last success, last failure and consecutive failures describe the job now, whatever the
/// window.
public struct JobStats: Sendable, Equatable {
    /// nil for the overall figures.
    public var job: String?
    /// Every execution in the window, whatever its status.
    public var runs: Int
    public var succeeded: Int
    /// failed + timed_out + interrupted.
    public var failed: Int
    public var partial: Int
    public var skipped: Int
    public var running: Int
    /// succeeded ÷ (succeeded + failed + partial): skipped fires and running rows do not
    /// count. nil when there is nothing to divide by.
    public var successRate: Double? {
        let finished = succeeded + failed + partial
        return finished == 0 ? nil : Double(succeeded) / Double(finished)
    }
    /// Nearest-rank percentiles of the durations of runs that finished (skipped and
    /// interrupted rows have no duration). Per job only: durations of different jobs do not mix.
    public var durationP50Ms: Int64?
    public var durationP95Ms: Int64?
    public var durationMaxMs: Int64?
    /// Lateness (started − scheduled) of `schedule` and `catchup` runs.
    public var latenessMeanMs: Double?
    public var latenessMaxMs: Int64?
    /// When the newest successful run finished.
    public var lastSuccess: Date?
    /// When the newest failed, timed-out or interrupted run finished.
    public var lastFailure: Date?
    /// Failures since the last success (all of them if it never succeeded); nil overall.
    public var consecutiveFailures: Int?

    public init(
        job: String?, runs: Int = 0, succeeded: Int = 0, failed: Int = 0, partial: Int = 0, skipped: Int = 0,
        running: Int = 0, durationP50Ms: Int64? = nil, durationP95Ms: Int64? = nil, durationMaxMs: Int64? = nil,
        latenessMeanMs: Double? = nil, latenessMaxMs: Int64? = nil, lastSuccess: Date? = nil,
        lastFailure: Date? = nil, consecutiveFailures: Int? = nil
    ) {
        self.job = job
        self.runs = runs
        self.succeeded = succeeded
        self.failed = failed
        self.partial = partial
        self.skipped = skipped
        self.running = running
        self.durationP50Ms = durationP50Ms
        self.durationP95Ms = durationP95Ms
        self.durationMaxMs = durationMaxMs
        self.latenessMeanMs = latenessMeanMs
        self.latenessMaxMs = latenessMaxMs
        self.lastSuccess = lastSuccess
        self.lastFailure = lastFailure
        self.consecutiveFailures = consecutiveFailures
    }
}

/// `jobctl stats`: one entry per job that has executions in the window, sorted by name, and
/// the overall figures.
public struct HistoryStats: Sendable, Equatable {
    public var since: Date?
    public var jobs: [JobStats]
    public var overall: JobStats

    public init(since: Date?, jobs: [JobStats], overall: JobStats) {
        self.since = since
        self.jobs = jobs
        self.overall = overall
    }
}

extension HistoryStore {
    /// Stats per job and overall. One grouped scan for the counts, then a few index probes per
    /// job (percentiles by OFFSET in the (job, duration_ms, started_at) index; last success and
    /// failure by the (job, status, started_at) index).
    public func stats(job: String?, since: Date?) throws -> HistoryStats {
        let sinceMs = since.map(HistoryTime.milliseconds(_:))
        return try read { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let job {
                conditions.append("job = ?")
                _ = arguments.append(contentsOf: [job])
            }
            if let sinceMs {
                conditions.append("started_at >= ?")
                _ = arguments.append(contentsOf: [sinceMs])
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            // One scan of the covering (job, status, started_at, duration_ms, …) index; plain
            // aggregates per (job, status) are cheaper than CASE sums per job, and every
            // aggregate costs: on a million rows this scan is most of `stats` (≈ 0.2 s).
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT job, status, COUNT(*) AS runs, COUNT(duration_ms) AS durations,
                        TOTAL(lateness_ms) AS lateness_sum,
                        MAX(lateness_ms) AS max_lateness, COUNT(lateness_ms) AS latenesses
                    FROM job_executions \(whereClause)
                    GROUP BY job, status ORDER BY job, status
                    """,
                arguments: arguments)
            struct Partial { var stats: JobStats; var durations = 0; var latenessSum = 0.0; var latenesses = 0 }
            var partials: [Partial] = []
            for row in rows {
                let name: String = row["job"]
                if partials.last?.stats.job != name { partials.append(Partial(stats: JobStats(job: name))) }
                let last = partials.count - 1
                let runs: Int = row["runs"]
                switch ExecutionStatus(rawValue: row["status"] as String) {
                case .succeeded?: partials[last].stats.succeeded += runs
                case .failed?, .timedOut?, .interrupted?: partials[last].stats.failed += runs
                case .partial?: partials[last].stats.partial += runs
                case .skipped?: partials[last].stats.skipped += runs
                case .running?: partials[last].stats.running += runs
                case nil: break
                }
                partials[last].stats.runs += runs
                partials[last].durations += row["durations"] as Int
                partials[last].stats.latenessMaxMs = Self.maxOptional(partials[last].stats.latenessMaxMs, row["max_lateness"])
                partials[last].latenessSum += row["lateness_sum"] as Double
                partials[last].latenesses += row["latenesses"] as Int
            }
            var jobs: [JobStats] = []
            var overall = JobStats(job: nil)
            var latenessSum = 0.0
            var latenessCount = 0
            for partial in partials {
                var stats = partial.stats
                let name = stats.job ?? ""
                if partial.latenesses > 0 { stats.latenessMeanMs = partial.latenessSum / Double(partial.latenesses) }
                if partial.durations > 0 {
                    stats.durationP50Ms = try Self.duration(db, job: name, sinceMs: sinceMs, rank: Self.rank(0.50, of: partial.durations), of: partial.durations)
                    stats.durationP95Ms = try Self.duration(db, job: name, sinceMs: sinceMs, rank: Self.rank(0.95, of: partial.durations), of: partial.durations)
                    // The top of the duration index: cheaper than a MAX per row in the scan.
                    stats.durationMaxMs = try Self.duration(db, job: name, sinceMs: sinceMs, rank: partial.durations, of: partial.durations)
                }
                let lastSuccess = try Self.newest(db, job: name, statuses: [.succeeded])
                let lastFailure = try Self.newest(db, job: name, statuses: [.failed, .timedOut, .interrupted])
                stats.lastSuccess = lastSuccess?.finished
                stats.lastFailure = lastFailure?.finished
                stats.consecutiveFailures = try Self.failures(db, job: name, after: lastSuccess)
                jobs.append(stats)

                overall.runs += stats.runs
                overall.succeeded += stats.succeeded
                overall.failed += stats.failed
                overall.partial += stats.partial
                overall.skipped += stats.skipped
                overall.running += stats.running
                overall.durationMaxMs = Self.maxOptional(overall.durationMaxMs, stats.durationMaxMs)
                overall.latenessMaxMs = Self.maxOptional(overall.latenessMaxMs, stats.latenessMaxMs)
                latenessSum += partial.latenessSum
                latenessCount += partial.latenesses
                overall.lastSuccess = Self.maxOptional(overall.lastSuccess, stats.lastSuccess)
                overall.lastFailure = Self.maxOptional(overall.lastFailure, stats.lastFailure)
            }
            overall.latenessMeanMs = latenessCount == 0 ? nil : latenessSum / Double(latenessCount)
            return HistoryStats(since: since, jobs: jobs, overall: overall)
        }
    }

    /// The 1-based nearest rank of percentile `p` among `n` sorted values.
    static func rank(_ p: Double, of n: Int) -> Int {
        max(1, min(n, Int((p * Double(n)).rounded(.up))))
    }

    /// The `rank`-th smallest of the job's `count` durations, walking the (job, duration_ms,
    /// started_at) index from whichever end is nearer (p95 is 5 % from the top).
    static func duration(_ db: Database, job: String, sinceMs: Int64?, rank: Int, of count: Int) throws -> Int64? {
        let fromTop = rank > count / 2
        let offset = fromTop ? count - rank : rank - 1
        let order = fromTop ? "DESC" : "ASC"
        let window = sinceMs == nil ? "" : "AND started_at >= ?"
        var arguments: StatementArguments = [job]
        if let sinceMs { _ = arguments.append(contentsOf: [sinceMs]) }
        _ = arguments.append(contentsOf: [offset])
        return try Int64.fetchOne(
            db,
            sql: """
                SELECT duration_ms FROM job_executions
                WHERE job = ? AND duration_ms IS NOT NULL \(window)
                ORDER BY duration_ms \(order) LIMIT 1 OFFSET ?
                """,
            arguments: arguments)
    }

    struct Mark { var startedMs: Int64; var id: Int64; var finished: Date? }

    /// The newest execution of the job with one of the statuses, by start time then id.
    static func newest(_ db: Database, job: String, statuses: [ExecutionStatus]) throws -> Mark? {
        var best: Mark?
        for status in statuses {
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT started_at, id, finished_at FROM job_executions
                    WHERE job = ? AND status = ? ORDER BY started_at DESC, id DESC LIMIT 1
                    """,
                arguments: [job, status.rawValue])
            else { continue }
            let mark = Mark(
                startedMs: row["started_at"], id: row["id"],
                finished: (row["finished_at"] as Int64?).map(HistoryTime.date(milliseconds:)))
            if let current = best, (current.startedMs, current.id) >= (mark.startedMs, mark.id) { continue }
            best = mark
        }
        return best
    }

    /// Failures of the job that started after `mark` (the last success), all if nil.
    static func failures(_ db: Database, job: String, after mark: Mark?) throws -> Int {
        var total = 0
        for status in [ExecutionStatus.failed, .timedOut, .interrupted] {
            if let mark {
                total += try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM job_executions
                        WHERE job = ? AND status = ? AND started_at >= ?
                          AND (started_at > ? OR id > ?)
                        """,
                    arguments: [job, status.rawValue, mark.startedMs, mark.startedMs, mark.id]) ?? 0
            } else {
                total += try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM job_executions WHERE job = ? AND status = ?",
                    arguments: [job, status.rawValue]) ?? 0
            }
        }
        return total
    }

    static func maxOptional<T: Comparable>(_ a: T?, _ b: T?) -> T? {
        switch (a, b) {
        case (nil, nil): return nil
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (let a?, let b?): return max(a, b)
        }
    }
}
