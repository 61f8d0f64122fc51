import Foundation
import JobctlRunning
import JobctlStore

extension Scheduler {
    /// The live state for the status API. Cheap: no I/O, no clock read.
    public func snapshot() -> SchedulerSnapshot {
        let next = nextFires
        let running = runningByJob
        let jobs = currentConfig.jobs.map { job in
            SchedulerSnapshot.Job(
                name: job.name, schedule: job.schedule.text, timezone: job.zone.identifier, enabled: job.enabled,
                nextFire: job.enabled ? next[job.name] : nil, running: running[job.name, default: 0])
        }
        return SchedulerSnapshot(jobs: jobs, stopping: isStopping)
    }

    /// Runs `job` now, like `jobctl trigger` (same `JobRunner`, lock file and history row:
    /// `triggered_by = manual` with `user`), in the background of this scheduler: it counts as
    /// running for the job's overlap policy and is drained on shutdown. Returns once the run is
    /// recorded (or refused), not when it ends.
    ///
    /// A job this scheduler is running is refused without touching the lock or the history
    /// (the runner's overlap decision, `OverlapDecision.refuse`). A
    /// lock held by another process (a `jobctl trigger` in a shell) is found by the runner,
    /// which records the attempt as `skipped`, as `jobctl trigger` does. The lock is never
    /// probed from here: probing takes the lock for an instant, and a scheduled run that
    /// tried to take it at that instant would be skipped.
    public func triggerNow(job name: String, user: String) async -> TriggerResult {
        guard !isStopping else { return .stopping }
        guard let job = currentConfig.job(named: name) else { return .unknownJob }
        if let reason = job.disabledRefusal { return .disabled(reason: reason) }
        let reply = OneShot<TriggerResult>()
        var request = RunRequest.manual(job, user: user, local: LocalRuns(running: runningByJob[name, default: 0]))
        request.onStart = { id in reply.resolve(.started(runID: id)) }
        let runner = makeRunner()
        if let refused = runner.admit(request) {
            return Self.triggerResult(refused)
        }
        track(name, runner: runner) { [request] runner in
            reply.resolve(Self.triggerResult(await runner.run(request)))
        }
        return await reply.value()
    }

    /// The answer to an HTTP trigger whose run ended (or never started) with `outcome`. A run
    /// that started was normally answered by `onStart` already; `finished` covers a run
    /// recorded as failed before it could start (its lock file could not be opened).
    static func triggerResult(_ outcome: RunOutcome) -> TriggerResult {
        switch outcome {
        case .finished(_, let id) where id > 0: .started(runID: id)
        case .leaseLost(let id): .started(runID: id)
        case .finished: .notStarted(reason: "the run could not be recorded in the history")
        case .lockHeld(let holder, let id): .alreadyRunning(holder: holder, runID: id)
        case .runningHere(let holder): .alreadyRunning(holder: holder, runID: nil)
        case .alreadyRecorded: .notStarted(reason: "the run is already recorded")
        case .skipped, .queued: .notStarted(reason: "the job is already running")  // not for manual runs
        }
    }
}

extension Scheduler {
    /// What the running config expects of its jobs now (alert metrics, idle warning), and the
    /// instant it was judged at (this scheduler's wall clock). `moneyJobsOnly`: only jobs with
    /// a work counter (the status page's idle warning), sparing the others' fire search.
    public func expectations(moneyJobsOnly: Bool = false) -> (now: Date, jobs: [JobExpectation]) {
        let now = clock.now()
        let jobs = currentConfig.jobs.filter { job in
            guard moneyJobsOnly else { return true }
            if case .builtin(let kind, _) = job.action { return kind.workCounter != nil }
            return false
        }
        return (now, jobs.map { JobExpectation($0, now: now) })
    }
}
