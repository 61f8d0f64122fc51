import Foundation
import JobctlReports
import JobctlStore

/// `GET /api/v1/jobs/status` → `data`.
struct StatusData: Encodable, Sendable {
    var stats: StatusStats
    var jobs: [JobStatus]
    var recentExecutions: [ExecutionJSON]
    /// True when output tails and errors are withheld (`ReadAccess.anonymous`).
    var redacted: Bool
    /// Money jobs that found nothing to do for too long (`IdleWarning`; as in `stats`).
    var warnings: [IdleWarningJSON] = []
    /// The nodes of a PostgreSQL `STATE_DB` (`NodeStatus`; shown to anonymous readers too);
    /// `[]` on SQLite.
    var nodes: [NodeStatus] = []

    /// The same answer for an anonymous reader.
    var anonymous: StatusData {
        var copy = self
        copy.jobs = jobs.map { job in
            var job = job
            job.lastRun = job.lastRun?.redacted
            return job
        }
        copy.recentExecutions = recentExecutions.map(\.redacted)
        copy.redacted = true
        return copy
    }
}
