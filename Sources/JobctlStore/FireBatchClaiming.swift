import Foundation

/// A store that claims the fires due at one instant in one statement (PostgreSQL's batched
/// `CLAIM`, docs/several-hosts.md §5.3): the scheduler's path when several fires are due at
/// once, so that a burst costs one round trip per node instead of one per fire.
public protocol FireBatchClaiming: Sendable {
    /// Claims each fire of `starts` (fires only, each job at most once) as `claim(_:)` would:
    /// answers in the same order, each `.claimed` (a `running` row of this caller),
    /// `.alreadyClaimed` (the fire is recorded: taken by another node, or recorded `skipped` or
    /// `queued` because a run of the job is live), or nil when this answer does not settle it
    /// (not due yet by the store's clock, refused, a race): the caller claims that fire on its
    /// own, by the ordinary path, which knows how to wait and retry.
    func claimDueFires(_ starts: [ExecutionStart]) throws -> [FireClaim?]
}
