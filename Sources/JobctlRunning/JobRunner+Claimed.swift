import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// A run whose row someone else already claimed for this node: `REAP_RETRY`'s new attempt of
/// an `on_lost=retry` job (docs/several-hosts.md §5.8), started by the reaping node under the new
/// token.
extension JobRunner {
    /// The request that runs `job` once under `held` (its row is `running`, owned by this
    /// node, attempt `attempt`), through `run(_:)`: the lease counts from `held.leaseStart`
    /// (read before the reaping transaction was sent), the row is `FINISH`ed unless it was
    /// fenced meanwhile, and its failure hooks run as for any run. One attempt: no `retries=`
    /// loop (the fire already had its first attempt).
    public static func reclaimed(_ job: JobDefinition, held: HeldClaim, fire: Instant?, attempt: Int) -> RunRequest {
        var once = job
        once.retries = 0
        var request = RunRequest(job: once, fire: fire, trigger: .retry, firstAttempt: attempt)
        request.held = held
        return request
    }
}
