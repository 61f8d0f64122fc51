import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// A run, then its failure hooks (`FailureHooks`), started once the run's lock is released.
extension JobRunner {
    /// Runs `job` for `fire` (nil for a manual run) under its lock (`runUnderLock`), then starts
    /// the hook its outcome calls for in `hookTasks`, without waiting for it. `firstAttempt` is
    /// 1 but for a backfill of a fire recorded before.
    public func run(
        _ job: JobDefinition, fire: Date?, trigger: TriggerKind, nextFire: Date?, firstAttempt: Int = 1
    ) async -> RunOutcome {
        let outcome = await runUnderLock(
            job, fire: fire, trigger: trigger, nextFire: nextFire, firstAttempt: firstAttempt)
        failureHooks.afterRun(job, outcome: outcome, fire: fire)
        return outcome
    }

    var failureHooks: FailureHooks {
        FailureHooks(
            store: store, clock: clock, logger: logger, identity: identity, parentEnvironment: parentEnvironment,
            grace: killGrace, tasks: hookTasks)
    }

    /// `warn_after` for one attempt (see `FailureHooks.watchOverdue`).
    func watchOverdue(_ job: JobDefinition, runID: Int64, fire: Date?, startedAt: Date) -> Task<Void, Never>? {
        failureHooks.watchOverdue(job, runID: runID, fire: fire, startedAt: startedAt)
    }
}
