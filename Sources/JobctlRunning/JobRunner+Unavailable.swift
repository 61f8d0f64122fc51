import Foundation
import JobctlStore
import JobctlTime
import Logging

/// `CONNECTION` for a fire (docs/several-hosts.md §5.2, §7.2): when the store cannot be reached
/// while a fire's pause is read or the fire is claimed, the runner waits and claims the same
/// fire again, with backoff, and logs each step.
extension JobRunner {
    /// The first wait; each next one doubles, up to `unavailableWaitLimit`.
    static let unavailableFirstWait: Duration = .seconds(1)
    static let unavailableWaitLimit: Duration = .seconds(30)
    /// A fire without a next one (a job whose schedule ends) stops after this many waits.
    static let unavailableClaimLimit = 40

    /// Answers true, after a wait, to claim the same fire again: only for an unavailable store
    /// (`StoreUnavailableError`) and a fire (a manual run is not retried: whoever asked gets
    /// the error now). A fire is given up once the next claim would come at or after the job's
    /// next fire: it is coalesced into that one (logged), as a single host coalesces the fires
    /// it missed, so an outage never makes a job run twice in a row to catch up.
    func waitIfUnavailable(_ error: any Error, request: RunRequest, waits: inout Int) async -> Bool {
        guard (error as? any StoreUnavailableError)?.isStoreUnavailable == true, let fire = request.fire,
            waits < Self.unavailableClaimLimit
        else { return false }
        let wait = min(Self.unavailableFirstWait * (1 << min(waits, 5)), Self.unavailableWaitLimit)
        let claimAt = clock.now().addingTimeInterval(Self.seconds(wait))
        var metadata = meta(request.job, nil, fire, ["error": .string("\(error)")])
        if let next = request.nextFire, Instant(date: claimAt) >= next {
            metadata["next"] = .string(next.description)
            logger.error(
                "The state database is still unreachable; this fire is given up, coalesced into the job's next fire",
                metadata: metadata)
            return false
        }
        waits += 1
        logger.warning(
            "The state database is unreachable; claiming the fire again in \(wait) (attempt \(waits))",
            metadata: metadata)
        try? await clock.sleep(until: claimAt)
        return !Task.isCancelled
    }
}
