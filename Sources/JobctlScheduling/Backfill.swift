import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// Runs a `BackfillPlan`: one fire at a time, oldest first, each through the `JobRunner` like a
/// scheduled fire (the job's lock, the once-per-fire claim, `timeout=`, `retries=`, hooks),
/// with `triggered_by = backfill` and `JOBCTL_SCHEDULED_AT` set to the fire.
///
/// Decisions:
/// - The lock is taken exclusively, whatever `overlap=` says. When it is held (the job is
///   running), that fire is recorded `skipped` with the holder, as `jobctl trigger` does, and the
///   backfill stops there: the remaining fires are not run (`busy`).
/// - A failed fire does not stop the backfill: the next fires are independent runs.
/// - A fire whose attempt another process claimed meanwhile is reported `alreadyRecorded` and
///   counts as not succeeded.
/// - Each run's failure hooks end before the next fire starts, so the hook policy reads a
///   settled streak; cancellation (Ctrl-C) interrupts the current run and stops the loop.
public struct Backfill: Sendable {
    public var runner: JobRunner

    public init(runner: JobRunner) { self.runner = runner }

    /// What became of one fire.
    public struct FireResult: Sendable, Equatable {
        public var fire: BackfillPlan.Fire
        public var outcome: RunOutcome
    }

    public struct Result: Sendable, Equatable {
        public var fires: [FireResult]
        /// The job's lock was held: the backfill stopped at the last fire of `fires`.
        public var busy: Bool
        /// Cancelled (Ctrl-C): the backfill stopped after the last fire of `fires`.
        public var cancelled: Bool

        /// Every fire ran and succeeded.
        public var allSucceeded: Bool {
            !busy && !cancelled && fires.allSatisfy { $0.outcome.status == .succeeded }
        }
    }

    /// Runs the plan's fires; `report` is called after each one.
    public func run(
        _ plan: BackfillPlan, job: JobDefinition, report: @Sendable (FireResult) -> Void = { _ in }
    ) async -> Result {
        var result = Result(fires: [], busy: false, cancelled: false)
        for fire in plan.fires {
            let request = RunRequest(
                job: job, fire: Instant(date: fire.scheduledAt), trigger: .backfill, firstAttempt: fire.attempt)
            let outcome = await runner.run(request)
            await runner.hookTasks.wait()
            let done = FireResult(fire: fire, outcome: outcome)
            result.fires.append(done)
            report(done)
            if case .lockHeld = outcome {
                result.busy = true
                break
            }
            if Task.isCancelled {
                result.cancelled = true
                break
            }
        }
        return result
    }
}

extension RunOutcome {
    /// The final status of a run that finished; nil when it did not start.
    public var status: ExecutionStatus? {
        switch self {
        case .finished(let status, _): return status
        case .leaseLost: return .abandoned  // what the reaper records
        default: return nil
        }
    }
}
