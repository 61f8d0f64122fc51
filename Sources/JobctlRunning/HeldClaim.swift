import Foundation
import JobctlStore

/// A claim made before the runner starts (`RunRequest.held`): the fires of one instant claimed
/// in one statement by the scheduler (`FireBatchClaiming`), a fire taken from the queue
/// (`DEQUEUE`), or a lost run re-claimed by the reaper (`REAP_RETRY`). The runner uses it for
/// the request's first attempt instead of reading the pause and claiming: whoever claimed it
/// did both.
public struct HeldClaim: Sendable, Equatable {
    /// The `running` row, owned by this node.
    public var claim: RunClaim
    /// `BootClock.now()` read before the claiming statement was sent: the run's lease deadline
    /// counts from here (`LeaseTimings`), as a claim's own does.
    public var leaseStart: UInt64
    /// The wall-clock instant of the claim: the attempt's start for its duration and timeout.
    public var startedAt: Date

    public init(claim: RunClaim, leaseStart: UInt64, startedAt: Date) {
        self.claim = claim
        self.leaseStart = leaseStart
        self.startedAt = startedAt
    }
}
