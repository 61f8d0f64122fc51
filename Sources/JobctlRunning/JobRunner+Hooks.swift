import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// A run, then its failure hooks (`FailureHooks`), started once the run's lock is released.
extension JobRunner {
    /// Runs `request`: the overlap policy (`admit`), then the job under its guard
    /// (`runUnderLock`), then the hook its outcome calls for, started in `hookTasks` without
    /// waiting for it. A request whose claim is held already (`RunRequest.held`) was admitted
    /// by whoever claimed it.
    public func run(_ request: RunRequest) async -> RunOutcome {
        if request.held == nil, let refused = admit(request) { return refused }
        let outcome = await runUnderLock(request)
        failureHooks.afterRun(request.job, outcome: outcome, fire: request.fire?.date)
        return outcome
    }

    var failureHooks: FailureHooks {
        FailureHooks(
            store: store, clock: clock, logger: logger, identity: identity, parentEnvironment: parentEnvironment,
            grace: killGrace, tasks: hookTasks)
    }

    /// `warn_after` for one attempt (see `FailureHooks.watchOverdue`).
    func watchOverdue(_ job: JobDefinition, runID: Int64, fire: Instant?, startedAt: Date) -> Task<Void, Never>? {
        failureHooks.watchOverdue(job, runID: runID, fire: fire?.date, startedAt: startedAt)
    }
}
