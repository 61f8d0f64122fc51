import Foundation
import JobctlPostgres
import JobctlStore

/// PostgreSQL's side of `StateStore.learnCounters`: rows of `jobctl_work_counters`, which
/// `jobctl_work_add` joins at each insert. Every node upserts the counters of its binary's jobs;
/// the same declarations write nothing.
extension PostgresStateStore {
    public func learnCounters(_ counters: [WorkCounter]) throws {
        guard !counters.isEmpty else { return }
        try transaction { tx in
            for counter in counters {
                _ = try tx.query(
                    """
                    INSERT INTO jobctl_work_counters (counter, kind) VALUES ($1::text, $2::text)
                    ON CONFLICT (counter) DO UPDATE SET kind = excluded.kind
                    WHERE jobctl_work_counters.kind <> excluded.kind
                    """, [.text(counter.name), .text(counter.kind.rawValue)])
            }
        }
    }
}
