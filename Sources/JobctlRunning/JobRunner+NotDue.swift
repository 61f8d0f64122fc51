import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// Bounds of the `NOT_DUE` retry in `JobRunner.runUnderLock` (several hosts: a node whose clock
/// runs ahead of the database's claims the same fire again once it is due).
extension JobRunner {
    /// At most this many not-due answers for one fire, then the run is given up (logged).
    static let notDueClaimLimit = 20
    /// The longest wait between two claims of a not-due fire; the next answer re-measures.
    static let notDueWaitLimit: Duration = .seconds(60)

    /// `NOT_DUE`: this node's clock is ahead of the store's. Waits out the gap (bounded) and
    /// answers true to claim the same fire again; false for any other error, past the limit, or
    /// when the run is cancelled.
    func waitIfNotDue(_ error: any Error, job: JobDefinition, fire: Instant?, claims: inout Int) async -> Bool {
        guard let wait = (error as? any FireNotDueError)?.notDueWait, claims < Self.notDueClaimLimit else {
            return false
        }
        claims += 1
        let gap = min(wait, Self.notDueWaitLimit)
        logger.info(
            "Fire not yet due by the database's clock; claiming it again in \(gap)",
            metadata: meta(job, nil, fire, [:]))
        try? await clock.sleep(until: clock.now().addingTimeInterval(Self.seconds(gap)))
        return !Task.isCancelled
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
