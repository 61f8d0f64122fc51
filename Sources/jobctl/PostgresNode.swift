import Foundation
import JobctlConfig
import JobctlPostgresStore
import JobctlRunning
import JobctlScheduling
import JobctlStore
import JobctlTime
import Logging

/// What `jobctl run` does as a node of a PostgreSQL `STATE_DB` beside the scheduler
/// (docs/several-hosts.md §5): `NODE_START` at start, `HEARTBEAT` every 10 s, `RENEW` of its
/// runs' leases every third of the lease (every second after a failure, until the deadlines
/// pass), the `SELF_FENCE` check every 200 ms, `REAP_ABANDON` and `REAP_RETRY` every 2 s (each
/// retry started here), and the clean stop. The loops make blocking libpq calls on Swift's
/// cooperative pool, as the scheduler's own store calls do: each is short and bounded by the
/// statement timeout.
///
/// Each run has its own deadline (`RunLease`: claim or renewal attempt start + LEASE − MARGIN,
/// `LeaseTimings`), enforced twice: by the node (`LiveClaims.fenceExpired`: the run is
/// cancelled and nothing more is written about it) and by the run's guard process, which
/// outlives a SIGSTOP of the node and kills the command's process group (`RunGuardProcess`).
///
/// Gone nodes' rows are deleted at start and hourly (`housekeeping`); a run this node reaps
/// fires its job's `on_failure` here (`fireFailureHook`).
///
/// A fire due while the database is unreachable is claimed again by the runner with backoff
/// (`JobRunner.waitIfUnavailable`); the node's clock follows the database's, measured every
/// heartbeat (`DatabaseTimedClock`). `DEQUEUE` (`overlap=queue` across nodes) runs every 2 s after
/// the reaper, and after each run of such a job here (`Scheduler+Dequeue`).
struct PostgresNode: Sendable {
    let store: PostgresStateStore
    let logger: Logger
    let claims: LiveClaims
    /// The config and digest told to the others (`NODE_START`, SIGHUP: `PostgresNode+Reload`).
    let published = PublishedConfig()
    /// The failure hooks of runs this node reaped (`PostgresNode+Housekeeping`).
    let hooks = HookTasks()
    static let heartbeatEvery: Duration = .seconds(10)
    static let reapEvery: Duration = .seconds(2)
    static let fenceCheckEvery: Duration = .milliseconds(200)

    init(store: PostgresStateStore, logger: Logger) {
        self.store = store
        self.logger = logger
        claims = LiveClaims(timings: LeaseTimings(lease: store.lease), logger: logger)
    }

    var timings: LeaseTimings { LeaseTimings(lease: store.lease) }

    /// `NODE_START`: this node's row and its job digests; the claims use the same policies.
    func start(_ config: JobsConfig) throws {
        let policies = ConfigDigest.policies(config)
        try store.startNode(
            version: JobctlVersion.current, configDigest: ConfigDigest.whole(policies), jobs: policies)
        logger.info(
            "Node \(store.node.id) started on the shared STATE_DB (lease \(store.lease))",
            metadata: ["configDigest": .string(ConfigDigest.whole(policies))])
        published.set(config, digest: ConfigDigest.whole(policies))
    }

    /// The node's loops (heartbeat, renewal, fence check, housekeeping, reaper); cancel the task
    /// to stop them. The `REAP_RETRY` attempts of `on_lost=retry` jobs, as the config last
    /// published (a SIGHUP reload included) says, are started as the scheduler's runs
    /// (`Scheduler.startHeld`: counted under `MAX_CONCURRENT`, in the status, given the
    /// shutdown's grace). Once the scheduler stops, the reaper abandons without retrying.
    func loops(_ config: JobsConfig, scheduler: Scheduler, clock: any WallClock) -> Task<Void, Never> {
        let digest = ConfigDigest.whole(ConfigDigest.policies(config))
        return Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await every(Self.heartbeatEvery) { heartbeat(published.digest ?? digest) } }
                group.addTask { await housekeeping() }
                if let clock = clock as? DatabaseTimedClock {  // the database's time, kept current
                    group.addTask { await every(Self.heartbeatEvery) { _ = try? clock.sync(with: store) } }
                }
                group.addTask { await renewLoop() }
                group.addTask { await every(Self.fenceCheckEvery) { claims.fenceExpired() } }
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.reapEvery)
                    if Task.isCancelled { break }
                    let (current, digests) = published.retrying ?? (config, Self.retryDigests(config))
                    let accepting = await scheduler.acceptsHeldRuns
                    for (retry, leaseStart) in reap(accepting ? digests : [:]) {
                        guard let job = current.job(named: retry.job) else { continue }
                        let held = HeldClaim(claim: retry.claim, leaseStart: leaseStart, startedAt: clock.now())
                        let fire = retry.scheduledAt.map(Instant.init(date:))
                        await scheduler.startHeld(
                            JobRunner.reclaimed(job, fire: fire, attempt: retry.attempt), held: held)
                    }
                    await scheduler.dequeueQueued()  // PROTOCOL: DEQUEUE (Scheduler+Dequeue)
                }
            }
        }
    }

    /// `jobctl trigger` and `backfill`: the renewal of their own runs' leases (a run longer
    /// than the lease would otherwise be reaped by the `run` nodes) and the self-fence.
    func renewing() -> Task<Void, Never> {
        Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await renewLoop() }
                group.addTask { await every(Self.fenceCheckEvery) { claims.fenceExpired() } }
            }
        }
    }

    /// The `on_lost=retry` jobs with their digests (`REAP_RETRY` re-claims a fire only when the
    /// lost run had the same definition).
    static func retryDigests(_ config: JobsConfig) -> [String: String] {
        var digests: [String: String] = [:]
        for (name, policy) in ConfigDigest.policies(config) where config.job(named: name)?.onLost == .retry {
            digests[name] = policy.digest
        }
        return digests
    }

    func stop() {
        do {
            try store.stopNode()
        } catch {
            logger.error("Cannot record this node's stop", metadata: ["error": .string("\(error)")])
        }
    }

    private func every(_ period: Duration, _ body: @Sendable () -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            if Task.isCancelled { return }
            body()
        }
    }

    func heartbeat(_ digest: String) {
        do {
            try store.heartbeat(version: JobctlVersion.current, configDigest: digest)
        } catch {
            logger.error("Heartbeat failed", metadata: ["error": .string("\(error)")])
        }
    }

    /// `RENEW` every `LEASE / 3`; after a failure every `RENEW_RETRY` (1 s) until it succeeds or
    /// the deadlines pass (then the runs self-fence).
    private func renewLoop() async {
        var wait = timings.renewEvery
        while !Task.isCancelled {
            try? await Task.sleep(for: wait)
            if Task.isCancelled { return }
            wait = renew() ? timings.renewEvery : timings.renewRetry
        }
    }

    /// PROTOCOL: RENEW — of every run under way whose deadline has not passed; each one renewed
    /// gets `attemptStart + LEASE − MARGIN`, each one not renewed was reaped: `SELF_FENCE`.
    /// False when the statement failed (the deadlines stay).
    func renew() -> Bool {
        let running = claims.claims  // the expired ones are fenced first (WRITE_BEFORE_DEADLINE)
        guard !running.isEmpty else { return true }
        let attemptStart = BootClock.now()  // before sending: the deadline counts from here
        let renewed: Set<RunClaim>
        do {
            renewed = try store.renew(running)
        } catch {
            logger.error(
                "Cannot renew the leases of running runs; retrying every \(timings.renewRetry) until their deadlines",
                metadata: ["error": .string("\(error)")])
            return false
        }
        claims.renewed(renewed, attemptStart: attemptStart)
        for claim in running where !renewed.contains(claim) {
            guard let entry = claims.fence(claim) else { continue }  // ended meanwhile
            logger.error(
                "run \(claim.runID) (\(entry.job)) lost its lease: reaped while this node was away; its late writes are refused; stopping it",
                metadata: ["job": .string(entry.job), "run": .stringConvertible(claim.runID)])
        }
        return true
    }

    /// PROTOCOL: REAP_ABANDON, REAP_RETRY — expired leases of any node become `abandoned`; the
    /// fires of `on_lost=retry` jobs among them are claimed again by this node, which starts
    /// each (returned with the transaction's start, from which its deadline counts).
    func reap(_ retrying: [String: String]) -> [(RetryClaim, UInt64)] {
        let attemptStart = BootClock.now()
        let outcome: ReapOutcome
        do {
            outcome = try store.reap(retrying: retrying)
        } catch {
            logger.error("Cannot reap expired leases", metadata: ["error": .string("\(error)")])
            return []
        }
        for run in outcome.abandoned {
            logger.warning(
                "run \(run.runID) (\(run.job)) abandoned: its lease expired; node \(run.ownerNode) stopped renewing",
                metadata: ["job": .string(run.job), "run": .stringConvertible(run.runID)])
            fireFailureHook(run)
        }
        for retry in outcome.retries {
            logger.warning(
                "run \(retry.lostRunID) (\(retry.job)) retried as run \(retry.claim.runID) (attempt \(retry.attempt), on_lost=retry)",
                metadata: ["job": .string(retry.job), "run": .stringConvertible(retry.claim.runID)])
        }
        return outcome.retries.map { ($0, attemptStart) }
    }
}
