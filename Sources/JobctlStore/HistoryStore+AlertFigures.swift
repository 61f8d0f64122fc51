import Foundation
import GRDB

extension HistoryStore {
    /// Two queries whatever the history's size: the work markers (one row per job) and the
    /// running rows (a range of the `(status, started_at)` index: only rows still running).
    public func alertFigures() throws -> AlertFigures {
        try read { db in try Self.alertFigures(db) }
    }

    static func alertFigures(_ db: Database) throws -> AlertFigures {
        var figures = AlertFigures()
        let date = { (ms: Int64) in HistoryTime.date(milliseconds: ms) }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM job_work_summary") {
            guard let first = try row.optionalInteger("first_metered"),
                let last = try row.optionalInteger("last_metered")
            else { continue }
            figures.work[try row.text("job")] = JobWorkMarkers(
                firstMetered: date(first), lastMetered: date(last),
                lastWork: try row.optionalInteger("last_work").map(date),
                lastQuiet: try row.optionalInteger("last_quiet").map(date))
        }
        let running = try Row.fetchAll(
            db,
            sql: "SELECT job, MIN(started_at) AS since FROM job_executions WHERE status = 'running' GROUP BY job")
        for row in running {
            guard let since = try row.optionalInteger("since") else { continue }
            figures.runningSince[try row.text("job")] = date(since)
        }
        return figures
    }
}
