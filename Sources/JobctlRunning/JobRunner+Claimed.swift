import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// A run whose row someone else already claimed for this node: `REAP_RETRY`'s new attempt of
/// an `on_lost=retry` job (docs/several-hosts.md §5.8), started by the reaping node under the new
/// token.
extension JobRunner {
    /// Runs `job` once under `claim` (its row is `running`, owned by this node), with the lease
    /// counted from `claimStart` (`BootClock`, read before the reaping transaction was sent),
    /// then `FINISH`es it unless it was fenced meanwhile. One attempt: no `retries=` loop (the
    /// fire already had its first attempt), and its failure hooks run as for any run.
    public func runClaimed(
        _ job: JobDefinition, claim: RunClaim, claimStart: UInt64, fire: Instant?, attempt: Int
    ) async -> RunOutcome {
        let id = claim.runID
        let startedAt = clock.now()
        logger.info(
            "Job started",
            metadata: meta(
                job, id, fire,
                ["attempt": .stringConvertible(attempt), "trigger": .string(TriggerKind.retry.rawValue)]))
        guard case .held(let lock) = try? runGuard.acquire(job: job.name, exclusive: true, owner: "retry") else {
            return .finished(.failed, runID: id)
        }
        let result = await performTracked(
            job, claim: claim, claimStart: claimStart, fire: fire?.date, startedAt: startedAt, lock: lock)
        let finishedAt = clock.now()
        if let liveClaims, !liveClaims.release(claim) { return .leaseLost(runID: id) }
        recordEnd(job, claim: claim, fire: fire, result: result, at: finishedAt)
        logEnd(job, id: id, fire: fire, result: result, duration: finishedAt.milliseconds(since: startedAt))
        let outcome = RunOutcome.finished(result.status, runID: id)
        failureHooks.afterRun(job, outcome: outcome, fire: fire?.date)
        return outcome
    }
}
