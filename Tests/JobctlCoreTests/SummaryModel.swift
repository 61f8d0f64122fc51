import Foundation
import GRDB

@testable import JobctlStore

/// A deterministic random number generator (SplitMix64), so that a failing seed replays.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One row as the summaries see it.
struct ModelRow: Equatable {
    var id: Int64
    var job: String
    var status: ExecutionStatus
    var startedMs: Int64
    var finishedMs: Int64?
    var durationMs: Int64?
    var latenessMs: Int64?

    var key: (Int64, Int64) { (startedMs, id) }
}

/// The summaries recomputed from every row the database ever held (the rows it holds now are
/// re-read after each change), by the rules `SummarySchema` states.
struct SummaryModel {
    /// Rows in the table now.
    var present: [Int64: ModelRow] = [:]
    /// Rows the summaries counted (folded), in their latest state, deleted ones included.
    var folded: [Int64: ModelRow] = [:]
    var deletedWhileRunning: Set<Int64> = []
    /// All-time maxima: every value a folded row ever had.
    var maxima: [String: (duration: Int64?, lateness: Int64?)] = [:]

    /// Re-reads the rows a change touched, notes the rows deleted, and folds what the triggers
    /// (or the backfill) counted.
    mutating func sync(_ db: Database, touched: [Int64] = []) throws {
        // Before v4 nothing is folded.
        // (Not `db.tableExists`: GRDB caches the schema, and another connection migrates.)
        let hasSummaries =
            try Bool.fetchOne(
                db, sql: "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = 'job_summary_backfill'") ?? false
        let watermark =
            hasSummaries ? try Row.fetchOne(db, sql: "SELECT next_id, last_id FROM job_summary_backfill") : nil
        let nextID: Int64 = watermark?["next_id"] ?? 1
        let lastID: Int64 = watermark?["last_id"] ?? 0
        let ids = try Int64.fetchSet(db, sql: "SELECT id FROM job_executions")
        for (id, row) in present where !ids.contains(id) {
            if folded[id] != nil && row.status == .running { deletedWhileRunning.insert(id) }
            present[id] = nil
        }
        for id in touched where ids.contains(id) {
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, job, status, started_at, finished_at, duration_ms, lateness_ms
                        FROM job_executions WHERE id = ?
                        """,
                    arguments: [id])
            else { continue }
            present[id] = ModelRow(
                id: row["id"], job: row["job"], status: ExecutionStatus(rawValue: row["status"] as String) ?? .running,
                startedMs: row["started_at"], finishedMs: row["finished_at"], durationMs: row["duration_ms"],
                latenessMs: row["lateness_ms"])
        }
        for (id, row) in present where hasSummaries && (id < nextID || id > lastID) && folded[id] != row {
            fold(row)
        }
    }

    mutating func fold(_ row: ModelRow) {
        folded[row.id] = row
        var maximum = maxima[row.job] ?? (nil, nil)
        maximum.duration = HistoryStore.maxOptional(maximum.duration, row.durationMs)
        maximum.lateness = HistoryStore.maxOptional(maximum.lateness, row.latenessMs)
        maxima[row.job] = maximum
    }

    /// Counts, sums, maxima and histogram of some rows of one job.
    static func figures(of rows: [ModelRow], job: String, skipRunning: Set<Int64> = []) -> JobSummary {
        var summary = JobSummary(job: job)
        for row in rows {
            if !(row.status == .running && skipRunning.contains(row.id)) {
                summary.counts[row.status, default: 0] += 1
            }
            if let duration = row.durationMs {
                summary.durationCount += 1
                summary.durationSumMs += Double(duration)
                summary.durationMaxMs = HistoryStore.maxOptional(summary.durationMaxMs, duration)
                summary.durations.add(key: DurationHistogram.key(duration), count: 1)
            }
            if let lateness = row.latenessMs {
                summary.latenessCount += 1
                summary.latenessSumMs += Double(lateness)
                summary.latenessMaxMs = HistoryStore.maxOptional(summary.latenessMaxMs, lateness)
            }
        }
        return summary
    }

    /// The all-time summaries: figures of every folded row, all-time maxima, markers.
    func allTime() -> [String: JobSummary] {
        var jobs: [String: JobSummary] = [:]
        for (job, rows) in Dictionary(grouping: folded.values, by: \.job) {
            var summary = Self.figures(of: rows, job: job, skipRunning: deletedWhileRunning)
            summary.durationMaxMs = maxima[job]?.duration
            summary.latenessMaxMs = maxima[job]?.lateness
            let newest = { (match: (ModelRow) -> Bool) in rows.filter(match).max { $0.key < $1.key } }
            let success = newest { $0.status == .succeeded }
            summary.lastSuccess = success?.finishedMs.map(HistoryTime.date(milliseconds:))
            summary.lastFailure = newest { $0.status.isFailure }?.finishedMs.map(HistoryTime.date(milliseconds:))
            summary.lastLatenessMs = newest { $0.latenessMs != nil }?.latenessMs
            summary.failingStreak =
                rows.filter { row in
                    row.status.isFailure && (success.map { row.key > $0.key } ?? true)
                }.count
            jobs[job] = summary
        }
        return jobs.filter { $0.value.runs > 0 }
    }

    /// The window since `sinceMs`: figures of the rows kept that started in it, markers of now.
    func window(sinceMs: Int64) -> [String: JobSummary] {
        let markers = allTime()
        var jobs: [String: JobSummary] = [:]
        let inWindow = present.values.filter { $0.startedMs >= sinceMs }
        for (job, rows) in Dictionary(grouping: inWindow, by: \.job) {
            var summary = Self.figures(of: rows, job: job)
            if let now = markers[job] {
                summary.lastSuccess = now.lastSuccess
                summary.lastFailure = now.lastFailure
                summary.failingStreak = now.failingStreak
                summary.lastLatenessMs = now.lastLatenessMs
            }
            jobs[job] = summary
        }
        return jobs.filter { $0.value.runs > 0 }
    }

    /// The durations of a job's rows, for exact nearest-rank percentiles.
    func durations(job: String, sinceMs: Int64?) -> [Int64] {
        let rows = sinceMs.map { since in present.values.filter { $0.startedMs >= since } } ?? Array(folded.values)
        return rows.filter { $0.job == job }.compactMap(\.durationMs).sorted()
    }
}
