import Foundation
import JobctlConfig
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// The fires due at one tick, claimed together where the store can (`FireBatchClaiming`:
/// PostgreSQL): issue 11's 1,000 fires in one second cost one statement per node, not one per
/// fire (docs/benchmarks.md).
///
/// Decisions:
/// - Every fire is admitted first as on its own (`admitted`: overlap, `MAX_CONCURRENT`), and
///   counted as running at once, so the policies of the others see it. Then the batch is sent,
///   off the scheduler's actor, and the runs' tasks are made while it is under way; each run
///   waits for its answer.
/// - Left out of the batch, claimed alone by the runner as before: a fire with a jitter delay
///   (claimed when it starts, as on one host), a paused job's fire (the runner records its
///   `skipped` row; the pauses are read once for the batch), and any fire whose batch answer
///   does not settle it (not due yet by the database's clock, refused, a race) or whose batch
///   failed (the runner's claim waits out an unreachable database).
/// - A single due fire goes the ordinary way: a batch of one buys nothing.
/// - The catch-up fires at start are claimed together the same way (a node restarting with
///   many `catchup=` jobs); `@reboot` fires are claimed one by one.
extension Scheduler {
    /// Dispatches the fires of one tick (`FirePlan.takeDue`), or the catch-up fires at start.
    func dispatchDue(_ dues: [DueFire], trigger: TriggerKind = .schedule) {
        guard let batcher = store as? any FireBatchClaiming, dues.count > 1 else {
            for due in dues { dispatch(due, trigger: trigger) }
            return
        }
        var wanted: [ExecutionStart] = []
        var admittedFires: [(DueFire, RunRequest, JobRunner)] = []
        let prepared = makeRunner()
        for due in dues {
            guard let (request, runner) = admitted(due, trigger: trigger, granted: false, runner: prepared) else {
                continue
            }
            if trigger == .schedule, Jitter.delay(job: due.job, fire: due.fire, nextFire: due.nextFire) > 0 {
                startAdmitted(due, request: request, runner: runner)
                continue
            }
            wanted.append(runner.firstStart(request, at: clock.now()))
            reserve(due.job.name)  // counted now: the policies of the fires after it see it
            admittedFires.append((due, request, runner))
        }
        // The statement goes out before the runs' tasks are made: making a thousand tasks on
        // this actor is milliseconds the claim need not wait for.
        let batch = Task.detached { [store, logger, clock] in
            Self.claimTogether(wanted, batcher: batcher, store: store, clock: clock, logger: logger)
        }
        for (due, request, runner) in admittedFires {
            launch(due.job.name, runner: runner) { runner in
                var request = request
                switch await batch.value[due.job.name] {
                case .held(let held)?: request.held = held
                case .recorded?:
                    _ = runner.alreadyRecorded(request)
                    return
                case nil: break  // claimed alone
                }
                _ = await runner.run(request)
            }
        }
    }

    /// One fire's settled batch answer.
    enum BatchAnswer: Sendable {
        /// Claimed by this node: the run starts under it.
        case held(HeldClaim)
        /// Recorded already (taken by another node, or `skipped` by overlap): nothing to run.
        case recorded
    }

    /// The batch: the pauses once, then one claim of the fires of unpaused jobs. The settled
    /// answers by job; a fire missing from them is claimed alone by its runner.
    private static func claimTogether(
        _ wanted: [ExecutionStart], batcher: any FireBatchClaiming, store: any StateStore, clock: any WallClock,
        logger: Logger
    ) -> [String: BatchAnswer] {
        guard wanted.count > 1 else { return [:] }
        do {
            let paused = Set(try store.pauses().map(\.job))
            let starts = wanted.filter { !paused.contains($0.job) }
            let (leaseStart, startedAt) = (BootClock.now(), clock.now())  // before the statement is sent
            var answers: [String: BatchAnswer] = [:]
            for (start, answer) in zip(starts, try batcher.claimDueFires(starts)) {
                switch answer {
                case .claimed(let claim)?:
                    answers[start.job] = .held(HeldClaim(claim: claim, leaseStart: leaseStart, startedAt: startedAt))
                case .alreadyClaimed?: answers[start.job] = .recorded
                case nil: break
                }
            }
            return answers
        } catch {
            logger.warning("Claiming \(wanted.count) due fires together failed; claiming each alone: \(error)")
            return [:]
        }
    }
}
