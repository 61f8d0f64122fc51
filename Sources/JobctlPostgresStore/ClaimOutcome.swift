import JobctlConfig
import JobctlStore
import JobctlTime

/// The answer of `CLAIM` (docs/several-hosts.md §5.3, `CLAIM_RESULT`), in the design's order.
public enum ClaimOutcome: Sendable, Equatable {
    /// `CLAIMED`: this node owns the fire; start the run under the claim's token.
    case claimed(RunClaim)
    /// `SKIPPED`: a run of the exclusive job is live; the fire is recorded `skipped` (this id).
    case skipped(runID: Int64)
    /// `QUEUED` (`overlap=queue`): a run of the job is live and none of its fires waits yet;
    /// the fire is recorded `queued` (this id), for `DEQUEUE` to start after the live run.
    case queued(runID: Int64)
    /// `NOT_DUE`: the fire is after the database's clock. Never "taken": sleep and claim the
    /// same fire again.
    case notDue
    /// `REFUSED`: a live node schedules the job with another definition; nothing recorded.
    case refused
    /// `CLAIM_MANUAL` only: a run of the exclusive job is live ("already running"); nothing
    /// recorded.
    case blocked
    /// `ADOPT`: the fire is held by this node's own running claim, whose reply was lost.
    /// Renew it, then start it.
    case adopt(RunClaim)
    /// `TAKEN`: the fire is recorded already (run, skipped, or ended) by another claim.
    case taken(runID: Int64)
    /// `RACE`: no row inserted and none found: a concurrent insert blocked this one after the
    /// statement's snapshot. Claim again at once.
    case race

    /// How the protocol's claim (`claim(_:)`, `claimDueFires(_:)`) reads this answer: a
    /// `running` row of this node, or a fire recorded already (by anyone: taken, skipped or
    /// queued by overlap, this node's own lost claim, a manual run blocked); nil for the
    /// answers that settle nothing yet (`NOT_DUE`, `REFUSED`, `RACE`).
    public var settled: FireClaim? {
        switch self {
        case .claimed(let claim): return .claimed(claim)
        case .skipped, .queued, .blocked, .adopt, .taken: return .alreadyClaimed
        case .notDue, .refused, .race: return nil
        }
    }
}
