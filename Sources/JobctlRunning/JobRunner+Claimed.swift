import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// A run whose row someone else already claimed for this node: `REAP_RETRY`'s new attempt of
/// an `on_lost=retry` job (docs/several-hosts.md §5.8), started by the reaping node under the new
/// token.
extension JobRunner {
    /// The request that runs `job` once as attempt `attempt`, whose row the reaper claimed
    /// (run under that claim, `RunRequest.held`, through `run(_:)`: the lease counts from the
    /// claim's `leaseStart`, read before the reaping transaction was sent; the row is
    /// `FINISH`ed unless it was fenced meanwhile; its failure hooks run as for any run). One
    /// attempt: no `retries=` loop (the fire already had its first attempt).
    public static func reclaimed(_ job: JobDefinition, fire: Instant?, attempt: Int) -> RunRequest {
        var once = job
        once.retries = 0
        return RunRequest(job: once, fire: fire, trigger: .retry, firstAttempt: attempt)
    }
}
