import Foundation
import GRDB

/// SQLite's side of the `StateStore` contract. A fire is claimed by the partial UNIQUE index on
/// `(job, scheduled_at, attempt)` (INSERT … ON CONFLICT DO NOTHING), whichever connection or
/// process writes it. The fence is the row id: on one host the job's run guard (`flock`) already
/// keeps a second writer away, and `finish` only updates a row still `running`.
extension HistoryStore: StateStore {
    public func claim(_ start: ExecutionStart) throws -> FireClaim {
        Self.fireClaim(try begin(start))
    }

    public func claimSkipped(_ start: ExecutionStart, reason: String) throws -> FireClaim {
        Self.fireClaim(try recordSkipped(start, reason: reason))
    }

    @discardableResult
    public func finish(_ claim: RunClaim, _ end: ExecutionEnd) throws -> Bool {
        try finish(
            id: claim.token, status: end.status, finishedAt: end.finishedAt, metrics: end.metrics, error: end.error,
            output: end.output)
    }

    /// No lease in SQLite (the run guard's `flock` is one): true while the row is `running`.
    public func renew(_ claim: RunClaim, now: Date) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db, sql: "SELECT status = 'running' FROM job_executions WHERE id = ?", arguments: [claim.token]
            ) ?? false
        }
    }

    static func fireClaim(_ id: Int64?) -> FireClaim {
        id.map { .claimed(RunClaim(runID: $0, token: $0)) } ?? .alreadyClaimed
    }
}
