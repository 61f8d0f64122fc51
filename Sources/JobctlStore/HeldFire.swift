import Foundation

/// A fire that waited `queued` (`overlap=queue` across nodes) and was just started by this
/// process (`QueuedFires.dequeue`): its row is `running` under `claim`, owned and leased by
/// this node, with its real start as `started_at`. The caller runs it at once, under that claim.
public struct HeldFire: Sendable, Equatable {
    public var job: String
    /// The run id, and its fencing token.
    public var claim: RunClaim
    /// The fire; nil for a retry of a manual run (never queued in practice).
    public var scheduledAt: Date?
    public var attempt: Int
    public var triggeredBy: TriggerKind

    public init(job: String, claim: RunClaim, scheduledAt: Date?, attempt: Int, triggeredBy: TriggerKind) {
        self.job = job
        self.claim = claim
        self.scheduledAt = scheduledAt
        self.attempt = attempt
        self.triggeredBy = triggeredBy
    }
}
