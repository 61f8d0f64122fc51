import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// Runs one job once (plus its retries): takes the job's lock, records a `running` row before
/// the job starts and its final status after, enforces the timeout, retries with backoff.
///
/// The narrow runner of issue 10: `run(_ request: RunRequest) -> RunOutcome`. The request names
/// the job, the fire, the trigger, the next fire, the user and the first attempt; the runner
/// reads the config only through its `RunEnvironment`. It decides overlap (`OverlapDecision`,
/// through `admit`) and writes every history row of a fire (`JobRunner+Rows.swift`): the
/// caller acts on the outcome.
public struct JobRunner: Sendable {
    public var environment: RunEnvironment
    public var store: any StateStore
    public var clock: any WallClock
    public var logger: Logger
    /// Host and pid written into rows and lock files (its `user` is not read: a manual
    /// request carries its own).
    public var identity: RunnerIdentity
    /// SIGTERM → SIGKILL grace for command jobs on timeout or shutdown.
    public var killGrace: Duration = .seconds(5)
    /// The scheduler's environment, from which command jobs get only the allow-listed part
    /// (`ChildEnvironment`).
    public var parentEnvironment: [String: String] = ProcessInfo.processInfo.environment
    /// Output lines of one command attempt that are logged; the rest are counted.
    public var logLineLimit = LogLineBudget.defaultLimit
    /// What keeps runs of a job apart: the lock files of `environment` unless set otherwise.
    public var runGuard: any RunGuard
    /// The built-in jobs this runner can make (the config names them; the registry has the code).
    public var jobs: BuiltinJobRegistry
    /// Where this runner's failure hooks run (`JobRunner+Hooks.swift`); a scheduler shares one.
    public var hookTasks = HookTasks()
    /// The claims under way, for a store with leases to renew (`LiveClaims`); nil: not tracked.
    public var liveClaims: LiveClaims?

    public init(
        environment: RunEnvironment, store: any StateStore, clock: any WallClock, logger: Logger,
        identity: RunnerIdentity, jobs: BuiltinJobRegistry
    ) {
        self.environment = environment
        self.store = store
        self.clock = clock
        self.logger = logger
        self.identity = identity
        self.jobs = jobs
        self.runGuard = LockFileRunGuard(directory: environment.lockDirectory)
    }

    /// Runs an admitted request (`admit`) under the job's guard, from attempt
    /// `request.firstAttempt`. `request.nextFire` bounds the retries: a retry never starts at or
    /// after the job's next scheduled fire. The guard is released when this returns; `run`
    /// (`JobRunner+Hooks.swift`) then starts the hooks.
    ///
    /// Long (about 70 lines): the retry loop with its log lines; its claims are in
    /// `claimAttempt`, its history writes in `JobRunner+Rows.swift`.
    func runUnderLock(_ request: RunRequest) async -> RunOutcome {
        let (job, fire, trigger, firstAttempt) = (request.job, request.fire, request.trigger, request.firstAttempt)
        if request.held == nil,
            let skipped = await skipIfPaused(request, trigger: trigger, attempt: firstAttempt)
        {
            return skipped
        }
        let now = clock.now()
        let owner = "pid \(identity.pid) on \(identity.host) since \(TimeText.rfc3339(now.unixSeconds, in: job.zone))"
        let exclusive = request.overlap != .run(exclusive: false)
        let lock: any HeldRunGuard
        do {
            switch try await acquireGuard(job, exclusive: exclusive, owner: owner) {
            case .held(let held): lock = held
            case .busy(let holder):
                if let held = request.held { return endHeld(request, held, error: "lock held by \(holder ?? "?")") }
                return skipBusy(request, holder: holder, at: now)
            }
        } catch {
            if let held = request.held { return endHeld(request, held, error: "\(error)") }
            return recordFailure(request, failure: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }

        var attempt = firstAttempt
        var currentTrigger = trigger
        var held = request.held  // the first attempt's claim, when the caller made it
        while true {
            let current: HeldClaim
            if let first = held {
                (current, held) = (first, nil)
            } else {
                switch await claimAttempt(request, trigger: currentTrigger, attempt: attempt) {
                case .claimed(let claimed): current = claimed
                case .ended(let outcome): return outcome
                }
            }
            let (claim, startedAt) = (current.claim, current.startedAt)
            let id = claim.runID
            logger.info(
                "Job started",
                metadata: meta(
                    job, id, fire,
                    ["attempt": .stringConvertible(attempt), "trigger": .string(currentTrigger.rawValue)]))
            if attempt == firstAttempt { request.onStart?(id) }
            let overdue = watchOverdue(job, runID: id, fire: fire, startedAt: startedAt)
            let result = await performTracked(
                job, claim: claim, claimStart: current.leaseStart, fire: fire?.date, startedAt: startedAt, lock: lock)
            overdue?.cancel()
            let finishedAt = clock.now()
            // SELF_FENCE: a run past its lease deadline writes nothing more (LiveClaims logged it).
            if let liveClaims, !liveClaims.release(claim) { return .leaseLost(runID: id) }
            recordEnd(job, claim: claim, fire: fire, result: result, at: finishedAt)
            logEnd(job, id: id, fire: fire, result: result, duration: finishedAt.milliseconds(since: startedAt))

            // A manual run is one attempt: the person who asked wants the outcome now.
            guard result.status == .failed || result.status == .timedOut, trigger != .manual,
                attempt - firstAttempt < job.retries, !Task.isCancelled
            else {
                return .finished(result.status, runID: id)
            }
            guard await waitToRetry(request, runID: id, attempt: attempt) else {
                return .finished(result.status, runID: id)
            }
            attempt += 1
            currentTrigger = .retry
            if let skipped = await skipIfPaused(request, trigger: .retry, attempt: attempt) { return skipped }
        }
    }

    /// How claiming one attempt ended.
    enum AttemptClaim: Sendable {
        case claimed(HeldClaim)
        /// Not started: the fire is recorded already, or the claim could not be written.
        case ended(RunOutcome)
    }

    /// `CLAIM` of attempt `attempt`: a fire not yet due by the store's clock is claimed again
    /// once due (`waitIfNotDue`), an unreachable store with backoff (`waitIfUnavailable`).
    private func claimAttempt(_ request: RunRequest, trigger: TriggerKind, attempt: Int) async -> AttemptClaim {
        let (job, fire) = (request.job, request.fire)
        var notDueClaims = 0
        var unavailableWaits = 0
        while true {
            let startedAt = clock.now()
            let leaseStart = BootClock.now()  // before CLAIM is sent: the lease's deadline counts from here
            do {
                guard let claim = try claimRunning(request, trigger: trigger, attempt: attempt, at: startedAt) else {
                    return .ended(alreadyRecorded(request))
                }
                return .claimed(HeldClaim(claim: claim, leaseStart: leaseStart, startedAt: startedAt))
            } catch {
                if await waitIfNotDue(error, job: job, fire: fire, claims: &notDueClaims) { continue }
                if await waitIfUnavailable(error, request: request, waits: &unavailableWaits) { continue }
                logger.error(
                    "Cannot record the run; not starting it",
                    metadata: meta(job, nil, fire, ["error": .string("\(error)")]))
                return .ended(.finished(.failed, runID: 0))
            }
        }
    }

    /// Before attempt `attempt + 1`: the backoff (`retryDelay`), logged; false when the retry
    /// would run past the next fire or the wait was cancelled.
    private func waitToRetry(_ request: RunRequest, runID id: Int64, attempt: Int) async -> Bool {
        let (job, fire) = (request.job, request.fire)
        let delay = retryDelay(job, attempt: attempt - request.firstAttempt + 1, fire: fire)
        let retryAt = clock.now().addingMilliseconds(delay)
        if let nextFire = request.nextFire, Instant(date: retryAt) >= nextFire {
            logger.warning(
                "Not retrying: the retry would run past the next fire",
                metadata: meta(
                    job, id, fire, ["nextFire": .string(TimeText.rfc3339(nextFire.unixSeconds, in: job.zone))]))
            return false
        }
        logger.info(
            "Retrying",
            metadata: meta(
                job, id, fire,
                [
                    "in": .string(DurationText.format(milliseconds: delay)),
                    "attempt": .stringConvertible(attempt + 1),
                ]))
        do {
            while clock.now() < retryAt { try await clock.sleep(until: retryAt) }
        } catch {
            return false
        }
        return true
    }

    /// The job's run guard. When only processes of a run whose jobctl died hold it (a `trigger`
    /// killed with -9 while this scheduler runs), they are ended and that run's row is marked
    /// `interrupted` first (`OrphanedRuns`): the job neither stays blocked behind them until the
    /// next start nor ever runs beside them.
    private func acquireGuard(_ job: JobDefinition, exclusive: Bool, owner: String) async throws -> RunGuardAttempt {
        let (runGuard, logger, name) = (self.runGuard, self.logger, job.name)
        let first = try runGuard.acquire(job: name, exclusive: exclusive, owner: owner)
        guard case .busy = first, runGuard.onlyLeftoversHold(job: name) else { return first }
        guard await ProcessGroup.onThread({ runGuard.isFreeEndingLeftovers(job: name, logger: logger) }) else {
            return first
        }
        _ = try? store.recoverInterrupted(now: clock.now()) { runGuard.isFree(job: $0) }
        return try runGuard.acquire(job: name, exclusive: exclusive, owner: owner)
    }

    /// Exponential backoff: `backoff × 2^(attempt−1)`, capped at 32× the first delay, with
    /// "equal jitter" (half fixed, half random) so that retries of many jobs don't align.
    func retryDelay(_ job: JobDefinition, attempt: Int, fire: Instant?) -> Int64 {
        let base = job.backoffMilliseconds * Int64(1 << min(attempt - 1, 5))
        let seconds = fire?.unixSeconds ?? clock.now().unixSeconds
        let random = Jitter.fraction(job: job.name, fire: seconds, salt: UInt64(attempt))
        return base / 2 + Int64(Double(base / 2) * random)
    }

    /// How one attempt ended (named so as not to shadow `Swift.Result`).
    struct AttemptResult: Sendable {
        var status: ExecutionStatus
        var metrics: JobMetrics?
        var error: String?
        var output: String?
    }

    /// `perform`, with the claim in `liveClaims` meanwhile, so that a lost lease can cancel it,
    /// and its lease (`RunLease.current`) for the command's guard; the caller `release`s it.
    func performTracked(
        _ job: JobDefinition, claim: RunClaim, claimStart: UInt64, fire: Date?, startedAt: Date,
        lock: any HeldRunGuard
    ) async -> AttemptResult {
        guard let liveClaims else {
            return await perform(job, runID: claim.runID, fire: fire, startedAt: startedAt, lock: lock)
        }
        let lease = liveClaims.lease(claimedAt: claimStart)
        let work = Task {
            await RunLease.$current.withValue(lease) {
                await perform(job, runID: claim.runID, fire: fire, startedAt: startedAt, lock: lock)
            }
        }
        liveClaims.add(claim, job: job.name, fire: fire, lease: lease) { work.cancel() }
        return await withTaskCancellationHandler {
            await work.value
        } onCancel: {
            work.cancel()
        }
    }

    private func perform(
        _ job: JobDefinition, runID: Int64, fire: Date?, startedAt: Date, lock: any HeldRunGuard
    ) async -> AttemptResult {
        let deadline = job.timeoutMilliseconds.map { startedAt.addingMilliseconds($0) }
        switch job.action {
        case .command(let command):
            return await runCommand(command, job: job, runID: runID, fire: fire, deadline: deadline, lock: lock)
        case .builtin(let kind, let options):
            var context = JobContext(
                appDatabasePath: environment.appDatabasePath, logger: logger, zone: job.zone,
                scheduledAt: fire, runID: runID, now: { [clock] in clock.now() })
            context.fence = (store as? any RunFencing)?.fence(forRun: runID)  // PAYOUT_TX
            context.appDatabasePasswordFile = environment.appDatabasePasswordFile
            guard let instance = jobs.make(kind.name, options: options) else {
                return AttemptResult(status: .failed, error: "no built-in job '\(kind.name)' in this binary")
            }
            return await runBuiltin(instance, context: context, deadline: deadline, timeout: job.timeoutMilliseconds)
        }
    }

    /// A command job: allow-listed environment, the lock inherited by its processes, output
    /// lines logged up to `logLineLimit`.
    private func runCommand(
        _ command: String, job: JobDefinition, runID: Int64, fire: Date?, deadline: Date?, lock: any HeldRunGuard
    ) async -> AttemptResult {
        let environment = ChildEnvironment.make(
            from: parentEnvironment, passing: job.passEnvironment, job: job.name, runID: runID,
            scheduledAt: fire.map { TimeText.rfc3339($0.unixSeconds, in: job.zone) })
        let logger = self.logger
        let name = job.name
        let budget = LogLineBudget(limit: logLineLimit)
        let outcome: CommandOutcome
        do {
            outcome = try await CommandProcess.run(
                command, environment: environment, lockDescriptor: lock.inheritableDescriptor, deadline: deadline,
                clock: clock, grace: killGrace
            ) { line, isError in
                guard budget.take() else { return }
                let stream = isError ? "stderr" : "stdout"
                logger.info("\(name): \(line)", metadata: ["job": .string(name), "stream": .string(stream)])
            }
        } catch {
            return AttemptResult(status: .failed, error: error.description)
        }
        let context: Logger.Metadata = ["job": .string(name), "run": .stringConvertible(runID)]
        if budget.dropped > 0 {
            logger.info("\(name): \(LogLineBudget.summary(dropped: budget.dropped))", metadata: context)
        }
        if outcome.leftProcessesBehind {
            logger.warning(
                "The command left processes running after its shell exited; they were ended", metadata: context)
        }
        if outcome.outputLeftOpen {
            let message = "A process that left the job's process group keeps its output open; stopped reading"
            logger.warning("\(message)", metadata: context)
        }
        let output = outcome.outputTail.isEmpty ? nil : outcome.outputTail
        if outcome.cancelled {
            return AttemptResult(status: .interrupted, error: "interrupted by shutdown", output: output)
        }
        if outcome.timedOut {
            let limit = DurationText.format(milliseconds: job.timeoutMilliseconds ?? 0)
            return AttemptResult(status: .timedOut, error: "timed out after \(limit)", output: output)
        }
        switch outcome.ending {
        case .exited(0): return AttemptResult(status: .succeeded, output: output)
        case .exited(let code): return AttemptResult(status: .failed, error: "exit status \(code)", output: output)
        case .signalled(let signal):
            return AttemptResult(status: .failed, error: "killed by signal \(signal)", output: output)
        case .unknown(let reason): return AttemptResult(status: .failed, error: reason, output: output)
        }
    }

    private enum Race: Sendable {
        case done(Swift.Result<JobResult, any Error>)
        case deadline
        case sleeperCancelled
    }

    /// Runs a built-in job; at the deadline it is cancelled cooperatively and awaited.
    private func runBuiltin(_ job: any BuiltinJob, context: JobContext, deadline: Date?, timeout: Int64?) async
        -> AttemptResult
    {
        let clock = self.clock
        let (race, timedOut) = await withTaskGroup(of: Race.self) { group -> (Race, Bool) in
            group.addTask {
                do { return .done(.success(try await job.run(context))) } catch { return .done(.failure(error)) }
            }
            if let deadline {
                group.addTask {
                    do {
                        while clock.now() < deadline { try await clock.sleep(until: deadline) }
                        return .deadline
                    } catch {
                        return .sleeperCancelled
                    }
                }
            }
            var timedOut = false
            while let next = await group.next() {
                switch next {
                case .done: group.cancelAll(); return (next, timedOut)
                case .deadline: timedOut = true; group.cancelAll()  // wait for the job to notice
                case .sleeperCancelled: continue
                }
            }
            return (.sleeperCancelled, timedOut)
        }
        guard case .done(let result) = race else {
            return AttemptResult(status: .failed, error: "the job did not report a result")
        }
        switch result {
        case .success(let value):
            if timedOut { return AttemptResult(status: .timedOut, metrics: value.metrics, error: "timed out") }
            if let partial = value.partialFailure {
                return AttemptResult(status: .partial, metrics: value.metrics, error: partial)
            }
            return AttemptResult(status: .succeeded, metrics: value.metrics)
        case .failure(let error):
            if timedOut {
                return AttemptResult(
                    status: .timedOut, error: "timed out after \(DurationText.format(milliseconds: timeout ?? 0))")
            }
            if error is CancellationError || Task.isCancelled {
                return AttemptResult(status: .interrupted, error: "interrupted by shutdown")
            }
            if let failure = error as? JobFailure {
                return AttemptResult(status: .failed, metrics: failure.metrics, error: failure.message)
            }
            return AttemptResult(status: .failed, error: String(describing: error))
        }
    }

    func meta(_ job: JobDefinition, _ id: Int64?, _ fire: Instant?, _ extra: Logger.Metadata) -> Logger.Metadata {
        var m: Logger.Metadata = ["job": .string(job.name)]
        if let id { m["run"] = .stringConvertible(id) }
        if let fire { m["scheduled"] = .string(TimeText.rfc3339(fire.unixSeconds, in: job.zone)) }
        return m.merging(extra) { $1 }
    }

    func logEnd(_ job: JobDefinition, id: Int64, fire: Instant?, result: AttemptResult, duration: Int64) {
        var extra: Logger.Metadata = [
            "status": .string(result.status.rawValue),
            "duration": .string(DurationText.readable(milliseconds: duration)),
        ]
        if let metrics = result.metrics { extra["metrics"] = .string(metrics.summary(jobs.counterReadings)) }
        if let error = result.error { extra["error"] = .string(error) }
        let m = meta(job, id, fire, extra)
        switch result.status {
        case .succeeded: logger.info("Job succeeded in \(DurationText.readable(milliseconds: duration))", metadata: m)
        case .partial:
            logger.warning("Job partially succeeded in \(DurationText.readable(milliseconds: duration))", metadata: m)
        default:
            logger.error(
                "Job \(result.status.rawValue.replacingOccurrences(of: "_", with: " ")) after \(DurationText.readable(milliseconds: duration))",
                metadata: m)
        }
    }

}
