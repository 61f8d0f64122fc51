import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime

/// A fire re-claimed by `REAP_RETRY` under a new token: the reaping node starts it.
public struct RetryClaim: Sendable, Equatable {
    public var claim: RunClaim
    public var job: String
    public var scheduledAt: Date?
    /// The new attempt (the lost one's + 1).
    public var attempt: Int
    /// The run that was reaped `abandoned`.
    public var lostRunID: Int64

    public init(claim: RunClaim, job: String, scheduledAt: Date?, attempt: Int, lostRunID: Int64) {
        self.claim = claim
        self.job = job
        self.scheduledAt = scheduledAt
        self.attempt = attempt
        self.lostRunID = lostRunID
    }
}
