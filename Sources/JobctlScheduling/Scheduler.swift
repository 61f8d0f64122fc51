import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// The foreground scheduler of `jobctl run`: sleeps until the next due fire (never more than
/// `maxSleep`, re-reading the wall clock on each wake), runs due jobs in parallel through the
/// `JobRunner`, acts on each job's overlap policy as the runner decides it (`JobRunner.admit`),
/// catches up fires missed while it was down,
/// and prunes old history off the hot path.
public actor Scheduler {
    private var config: JobsConfig
    let store: any StateStore
    let clock: any WallClock
    let logger: Logger
    let identity: RunnerIdentity
    private let jobs: BuiltinJobRegistry
    private let loadConfig: @Sendable () throws(ConfigErrors) -> JobsConfig
    private let maxSleep: TimeInterval
    private var killGrace: Duration = .seconds(5)

    private var plan: FirePlan
    private var running: [String: Int] = [:]
    private var queued: [String: DueFire] = [:]
    private var tasks: [UUID: Task<Void, Never>] = [:]
    private var stopping = false
    private var shutdownGrace: Duration?
    private var wakeContinuation: CheckedContinuation<Void, Never>?
    private var pendingWake = false
    private var nextPrune: Date = .distantPast
    /// Fires waiting for a slot under `MAX_CONCURRENT`, in fire order (`Scheduler+Concurrency`).
    var waiting: [WaitingFire] = []
    /// The failure hooks of this scheduler's runs, drained on shutdown.
    let hookTasks = HookTasks()
    /// Set for a PostgreSQL `STATE_DB` (`jobctl run`): the runs' guard (`FreeRunGuard`) and
    /// the registry of their claims that the node's lease renewal reads.
    private let runGuard: (any RunGuard)?
    private let liveClaims: LiveClaims?

    public init(
        config: JobsConfig, store: any StateStore, clock: any WallClock, logger: Logger, identity: RunnerIdentity,
        jobs: BuiltinJobRegistry, maxSleep: TimeInterval = 30, killGrace: Duration = .seconds(5),
        runGuard: (any RunGuard)? = nil, liveClaims: LiveClaims? = nil,
        loadConfig: @escaping @Sendable () throws(ConfigErrors) -> JobsConfig
    ) {
        self.runGuard = runGuard
        self.liveClaims = liveClaims
        self.config = config
        self.store = store
        self.clock = clock
        self.logger = logger
        self.identity = identity
        self.jobs = jobs
        self.maxSleep = maxSleep
        self.killGrace = killGrace
        self.loadConfig = loadConfig
        self.plan = FirePlan(jobs: [], after: Instant(date: clock.now()))
    }

    /// Runs until a shutdown event has been handled and every run has ended.
    public func run(events: AsyncStream<SchedulerEvent>) async {
        let listener = Task { [weak self] in
            for await event in events { await self?.handle(event) }
        }
        defer { listener.cancel() }
        await start()
        while !stopping {
            let now = clock.now()
            dispatchDue(plan.takeDue(at: Instant(date: now)))
            prune(now: now)
            var wake = now.addingTimeInterval(maxSleep)
            if let next = plan.nextDue?.date, next < wake { wake = next }
            await sleep(until: wake)
        }
        await drain()
    }

    /// The fires still planned, for tests and `list`.
    public var nextFires: [String: Date] {
        Dictionary(
            plan.entries.compactMap { e in e.next.map { (e.job.name, $0.date) } }, uniquingKeysWith: { a, _ in a })
    }

    public var runningCount: Int { running.values.reduce(0, +) }

    // For Scheduler+Status.swift (the HTTP API's status and trigger).
    var currentConfig: JobsConfig { config }
    var runningByJob: [String: Int] { running }
    var isStopping: Bool { stopping }

    /// Runs `body` as one of this scheduler's runs of `name` (scheduled, catch-up, or an HTTP
    /// trigger): counted as running, so overlap policies see it, and awaited, then
    /// interrupted, on shutdown.
    func track(_ name: String, runner: JobRunner, _ body: @escaping @Sendable (JobRunner) async -> Void) {
        reserve(name)
        launch(name, runner: runner, body)
    }

    /// `track` in two steps, for a burst (`dispatchDue`): a run of `name` is counted at once
    /// (`reserve`), and its task made later (`launch`, exactly once per `reserve`).
    func reserve(_ name: String) {
        running[name, default: 0] += 1
    }

    func launch(_ name: String, runner: JobRunner, _ body: @escaping @Sendable (JobRunner) async -> Void) {
        let id = UUID()
        tasks[id] = Task { [weak self] in
            await body(runner)
            await self?.finished(name, task: id)
        }
    }

    // MARK: Start

    private func start() async {
        let now = clock.now()
        let config = self.config
        let runGuard = makeRunner().runGuard
        let recovered = try? store.recoverInterrupted(now: now) {
            runGuard.isFreeEndingLeftovers(job: $0, logger: logger)
        }
        if let recovered, recovered > 0 {
            logger.warning("Marked \(recovered) run(s) left running by a dead process as interrupted")
        }
        recoverHookRuns(now: now)
        do {
            try store.learnCounters(jobs.workCounters)
        } catch {
            logger.error("Cannot record the jobs' work counters: \(error)")
        }
        let instant = Instant(date: now)
        plan = FirePlan(jobs: config.jobs, after: instant)
        logger.info(
            "Scheduler started with \(config.jobs.count) job(s)\n\(config.jobTable(after: now.unixSeconds))",
            metadata: ["pid": .stringConvertible(identity.pid)])
        var catchups: [DueFire] = []
        for job in config.jobs where job.enabled {
            if job.isReboot {
                dispatch(DueFire(job: job, fire: instant, nextFire: nil, coalesced: 0), trigger: .schedule)
                continue
            }
            let last: Instant?
            do {
                last = try store.lastScheduledFire(job: job.name)
            } catch {
                logger.error(
                    "Cannot read the history for catch-up",
                    metadata: ["job": .string(job.name), "error": .string("\(error)")])
                continue
            }
            if let fire = FirePlan.catchupFire(for: job, lastRecorded: last, now: instant) {
                logger.info(
                    "Catching up a fire missed while the scheduler was down",
                    metadata: [
                        "job": .string(job.name),
                        "scheduled": .string(TimeText.rfc3339(fire.unixSeconds, in: job.zone)),
                    ])
                catchups.append(DueFire(job: job, fire: fire, nextFire: job.nextFire(after: instant), coalesced: 0))
            }
        }
        dispatchDue(catchups, trigger: .catchup)
    }

    // MARK: Dispatch

    /// `granted`: the fire already waited for its slot (`startWaiting`).
    func dispatch(_ due: DueFire, trigger: TriggerKind, granted: Bool = false) {
        guard let (request, runner) = admitted(due, trigger: trigger, granted: granted) else { return }
        startAdmitted(due, request: request, runner: runner)
    }

    /// Starts an admitted fire: its jitter delay (scheduled fires), then the runner.
    func startAdmitted(_ due: DueFire, request: RunRequest, runner: JobRunner) {
        let (job, clock, trigger) = (due.job, self.clock, request.trigger)
        track(job.name, runner: runner) { runner in
            if trigger == .schedule {
                let delay = Jitter.delay(job: job, fire: due.fire, nextFire: due.nextFire)
                if delay > 0 {
                    let at = due.fire.adding(milliseconds: delay).date
                    while clock.now() < at, !Task.isCancelled { try? await clock.sleep(until: at) }
                }
            }
            if !Task.isCancelled {
                _ = await runner.run(request)
            }
        }
    }

    /// The request for `due` and its runner when the fire is to start now: the overlap policy
    /// let it (`JobRunner.admit`; a queued fire is kept in `queued`, a skipped one recorded) and
    /// a slot is free (`holdForSlot`, unless `granted`); nil otherwise.
    /// `runner`: one made for several fires at once (`dispatchDue`: making one reads the
    /// process's environment, tens of microseconds, a thousand times in a burst).
    func admitted(
        _ due: DueFire, trigger: TriggerKind, granted: Bool, runner prepared: JobRunner? = nil
    ) -> (RunRequest, JobRunner)? {
        let job = due.job
        if due.coalesced > 0 {
            logger.warning(
                "\(due.coalesced) earlier fire(s) were due at once (clock jump or suspend); running the latest once",
                metadata: ["job": .string(job.name)])
        }
        let request = RunRequest(
            job: job, fire: due.fire, trigger: trigger, nextFire: due.nextFire,
            local: LocalRuns(running: running[job.name, default: 0], waitingForSlot: isWaiting(job.name)))
        let runner = prepared ?? makeRunner()
        switch runner.admit(request) {
        case .queued?:
            queued[job.name] = due
            return nil
        case .some:
            return nil  // skipped, recorded by the runner
        case nil:
            break
        }
        if !granted, holdForSlot(due, trigger: trigger) { return nil }
        return (request, runner)
    }

    private func finished(_ name: String, task: UUID) {
        tasks[task] = nil
        running[name, default: 1] -= 1
        if running[name] == 0 { running[name] = nil }
        if !stopping, running[name] == nil, let due = queued.removeValue(forKey: name) {
            // Run the queued fire with the job's current definition.
            var current = due
            if let job = config.job(named: name) { current.job = job }
            dispatch(current, trigger: .schedule)
        }
        if !stopping { startWaiting() }
        dequeueAfterRun(name)  // overlap=queue across nodes (Scheduler+Dequeue)
        if stopping { wakeUp() }
    }

    func makeRunner() -> JobRunner {
        var runner = JobRunner(
            environment: RunEnvironment(config), store: store, clock: clock, logger: logger, identity: identity,
            jobs: jobs)
        runner.killGrace = killGrace
        runner.hookTasks = hookTasks
        if let runGuard { runner.runGuard = runGuard }
        runner.liveClaims = liveClaims
        return runner
    }

    // MARK: Events

    private func handle(_ event: SchedulerEvent) {
        switch event {
        case .reload:
            do {
                let fresh = try loadConfig()
                if let refusal = config.reloadRefusal(fresh) {
                    logger.error("Config reload refused; keeping the running config: \(refusal)")
                    break
                }
                config = fresh
                plan.replace(jobs: fresh.jobs, now: Instant(date: clock.now()))
                startWaiting()  // MAX_CONCURRENT may have grown
                logger.info(
                    "Config reloaded: \(fresh.jobs.count) job(s)\n\(fresh.jobTable(after: clock.now().unixSeconds))")
            } catch {
                logger.error("Config reload refused; keeping the running config:\n\(error.description)")
            }
        case .shutdown(let grace):
            logger.info("Shutting down: no new runs; waiting up to \(grace) for \(runningCount) running job(s)")
            stopping = true
            shutdownGrace = grace
        }
        wakeUp()
    }

    private func sleep(until wake: Date) async {
        if pendingWake {
            pendingWake = false
            return
        }
        let clock = self.clock
        let sleeper = Task { [weak self] in
            try? await clock.sleep(until: wake)
            await self?.wakeUp()
        }
        await withCheckedContinuation { continuation in
            wakeContinuation = continuation
        }
        sleeper.cancel()
    }

    private func wakeUp() {
        if let continuation = wakeContinuation {
            wakeContinuation = nil
            continuation.resume()
        } else {
            pendingWake = true
        }
    }

    /// Waits for running jobs up to the grace, then cancels them and waits for them to record
    /// their `interrupted` rows.
    private func drain() async {
        queued.removeAll()
        dropWaiting()
        let deadline = ContinuousClock.now + (shutdownGrace ?? .zero)
        while !tasks.isEmpty, ContinuousClock.now < deadline {
            let timer = Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                await self?.wakeUp()
            }
            await sleep(until: .distantFuture)
            timer.cancel()
        }
        if !tasks.isEmpty {
            logger.warning("Grace period over: interrupting \(tasks.count) run(s)")
            for task in tasks.values { task.cancel() }
            for task in tasks.values { await task.value }
        }
        await drainHooks(deadline: deadline)
        logger.info("Scheduler stopped")
    }

    // MARK: Retention

    private func prune(now: Date) {
        guard now >= nextPrune else { return }
        nextPrune = now.addingTimeInterval(3600)
        let cutoff = now.addingMilliseconds(-config.historyRetentionMilliseconds)
        let store = self.store
        let logger = self.logger
        Task.detached(priority: .background) {
            do {
                let deleted = try store.prune(finishedBefore: cutoff, batchSize: 500)
                if deleted > 0 { logger.info("Pruned \(deleted) history row(s) older than the retention") }
            } catch {
                logger.warning("History pruning failed: \(error)")
            }
        }
    }
}
