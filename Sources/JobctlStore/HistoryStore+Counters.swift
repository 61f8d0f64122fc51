import Foundation
import GRDB

/// SQLite's side of `StateStore.learnCounters`: rows of `job_work_counters` (migration "v5 create
/// job work markers"), which the work-marker triggers join at each insert.
extension HistoryStore {
    /// Upserts each counter in one transaction: a new counter meters the runs recorded from now
    /// on (no migration, no rewrite of older rows), a changed kind applies likewise.
    public func learnCounters(_ counters: [WorkCounter]) throws {
        guard !counters.isEmpty else { return }
        try write { db in
            for counter in counters {
                try db.execute(
                    sql: """
                        INSERT INTO job_work_counters (counter, kind) VALUES (?, ?)
                        ON CONFLICT (counter) DO UPDATE SET kind = excluded.kind WHERE kind <> excluded.kind
                        """,
                    arguments: [counter.name, counter.kind.rawValue])
            }
        }
    }
}
