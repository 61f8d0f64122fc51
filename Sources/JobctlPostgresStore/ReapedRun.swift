import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// A run `REAP_ABANDON` marked `abandoned`: what the reaping node logs and alerts on, and what
/// `REAP_RETRY` needs to re-claim the fire under a new token.
public struct ReapedRun: Sendable, Equatable {
    /// The run's id (its token).
    public var runID: Int64
    public var job: String
    /// The fire; nil for a manual run.
    public var scheduledAt: Date?
    public var attempt: Int
    public var triggeredBy: TriggerKind
    public var exclusive: Bool
    public var configDigest: String
    /// The node that stopped renewing.
    public var ownerNode: String

    init(row: PostgresRow) throws {
        guard let id = try row.int64("id"), let job = try row.string("job"),
            let trigger = try row.string("triggered_by").flatMap(TriggerKind.init(rawValue:))
        else { throw PostgresStateStoreError.unreadableRow("a reaped run without id, job or trigger") }
        runID = id
        self.job = job
        scheduledAt = try row.int64("scheduled_ms").map(HistoryTime.date(milliseconds:))
        attempt = try row.int("attempt") ?? 1
        triggeredBy = trigger
        exclusive = try row.bool("exclusive") ?? false
        configDigest = try row.string("config_digest") ?? ""
        ownerNode = try row.string("owner_node") ?? ""
    }
}
