import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// Every history row of a fire, written here and nowhere else (issue 10): the `running` row of
/// each attempt and its end, the `skipped` rows (overlap, a guard held elsewhere, a pause) and
/// the `failed` row of a run that could not take its guard. The scheduler writes none.
extension JobRunner {
    /// The start of attempt `attempt` of `request`, at `at`. The user is recorded for manual
    /// runs only.
    func start(_ request: RunRequest, trigger: TriggerKind, attempt: Int, at: Date) -> ExecutionStart {
        ExecutionStart(
            job: request.job.name, scheduledFor: request.fire, startedAt: at, attempt: attempt, triggeredBy: trigger,
            user: trigger == .manual ? request.user : nil, host: identity.host, pid: identity.pid)
    }

    /// The first attempt's start of `request`, for a claim its caller makes (`HeldClaim`).
    public func firstStart(_ request: RunRequest, at: Date) -> ExecutionStart {
        start(request, trigger: request.trigger, attempt: request.firstAttempt, at: at)
    }

    /// A fire its caller's claim found recorded already: logged as the runner's own claim logs it.
    public func alreadyRecorded(_ request: RunRequest) -> RunOutcome {
        logger.info("Fire already recorded by another process", metadata: meta(request.job, nil, request.fire, [:]))
        return .alreadyRecorded
    }

    /// Claims the attempt's `running` row; nil when the fire is already recorded.
    func claimRunning(_ request: RunRequest, trigger: TriggerKind, attempt: Int, at: Date) throws -> RunClaim? {
        try store.claim(start(request, trigger: trigger, attempt: attempt, at: at)).claim
    }

    /// Records the attempt's end (logged when the store refuses it).
    func recordEnd(_ job: JobDefinition, claim: RunClaim, fire: Instant?, result: AttemptResult, at finishedAt: Date) {
        do {
            let end = ExecutionEnd(
                status: result.status, finishedAt: finishedAt, metrics: result.metrics, error: result.error,
                output: result.output)
            try store.finish(claim, end)
        } catch {
            logger.error(
                "Cannot record the end of the run",
                metadata: meta(job, claim.runID, fire, ["error": .string("\(error)")]))
        }
    }

    /// Claims the fire as `skipped` with `reason`; the claim, or nil when another process
    /// recorded the fire first.
    func claimSkip(_ request: RunRequest, trigger: TriggerKind, attempt: Int, reason: String) throws -> RunClaim? {
        try store.claimSkipped(start(request, trigger: trigger, attempt: attempt, at: clock.now()), reason: reason)
            .claim
    }

    /// `overlap=skip` while the job is under way here: recorded `skipped` with the reason.
    func skipOverlap(_ request: RunRequest, reason: String) -> RunOutcome {
        let job = request.job
        let claim = try? claimSkip(request, trigger: request.trigger, attempt: 1, reason: reason)
        let run = claim.map { String($0.runID) } ?? "-"
        var metadata: Logger.Metadata = ["job": .string(job.name), "run": .string(run)]
        if let fire = request.fire {
            metadata["scheduled"] = .string(TimeText.rfc3339(fire.unixSeconds, in: job.zone))
        }
        logger.warning("Job skipped: previous run still running", metadata: metadata)
        return .skipped(reason: reason, runID: claim?.runID)
    }

    /// A run whose guard is held elsewhere: recorded `skipped` with the holder.
    func skipBusy(_ request: RunRequest, holder: String?, at now: Date) -> RunOutcome {
        let holder = holder ?? "another process"
        let reason = "already running (lock held by \(holder))"
        let skip = start(request, trigger: request.trigger, attempt: 1, at: now)
        let skipped = try? store.claimSkipped(skip, reason: reason)
        let id = skipped?.claim?.runID
        logger.warning("Job skipped", metadata: meta(request.job, id, request.fire, ["reason": .string(reason)]))
        return .lockHeld(holder: holder, runID: id)
    }

    /// A held claim (`RunRequest.held`) whose run could not take its guard: its `running` row is
    /// ended `failed` with the reason, never left for the reaper.
    func endHeld(_ request: RunRequest, _ held: HeldClaim, error failure: String) -> RunOutcome {
        let now = clock.now()
        let id = held.claim.runID
        _ = try? store.finish(held.claim, ExecutionEnd(status: .failed, finishedAt: now, error: failure))
        logger.error("Job failed", metadata: meta(request.job, id, request.fire, ["error": .string(failure)]))
        return .finished(.failed, runID: id)
    }

    /// A held claim that is not started (the scheduler is stopping): its row ended `interrupted`.
    public func endInterrupted(_ request: RunRequest, _ held: HeldClaim, reason: String) {
        let end = ExecutionEnd(status: .interrupted, finishedAt: clock.now(), error: reason)
        _ = try? store.finish(held.claim, end)
        logger.warning(
            "Run not started: \(reason)", metadata: meta(request.job, held.claim.runID, request.fire, [:]))
    }

    /// A run that could not even take its lock: recorded as failed so that it is visible.
    func recordFailure(_ request: RunRequest, failure: String) -> RunOutcome {
        let now = clock.now()
        guard let claim = try? claimRunning(request, trigger: request.trigger, attempt: 1, at: now) else {
            return .alreadyRecorded
        }
        let id = claim.runID
        _ = try? store.finish(claim, ExecutionEnd(status: .failed, finishedAt: now, error: failure))
        logger.error("Job failed", metadata: meta(request.job, id, request.fire, ["error": .string(failure)]))
        return .finished(.failed, runID: id)
    }
}
