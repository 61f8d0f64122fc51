import Foundation
import JobctlConfig
import JobctlPostgresStore
import JobctlRunning
import JobctlStore
import Logging

/// What `jobctl run` does as a node of a PostgreSQL `STATE_DB` beside the scheduler
/// (docs/several-hosts.md §5): `NODE_START` at start, `HEARTBEAT` every 10 s, `RENEW` of its
/// runs' leases every third of the lease, `REAP_ABANDON` every 2 s, and the clean stop. The
/// loops make blocking libpq calls on Swift's cooperative pool, as the scheduler's own store
/// calls do: each is short and bounded by the statement timeout.
///
/// Not built yet (issue 11): the guard process with its monotonic deadline (a run whose
/// renewal keeps failing keeps running until the reaper of another node abandons it; its
/// late `FINISH` is then refused), `on_lost=retry` (the reaper abandons only), the node's
/// catch-up by the database clock, and housekeeping of old node rows.
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

    /// The loops (heartbeat, renewal, reaper, housekeeping); cancel the task to stop them.
    func loops(_ config: JobsConfig) -> Task<Void, Never> {
        let digest = ConfigDigest.whole(ConfigDigest.policies(config))
        return Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await every(Self.heartbeatEvery) { heartbeat(published.digest ?? digest) } }
                group.addTask { await every(store.lease / 3) { renew() } }
                group.addTask { await every(Self.reapEvery) { reap() } }
                group.addTask { await housekeeping() }
            }
        }
    }

    /// `jobctl trigger` and `backfill`: only the renewal of their own runs' leases (a run
    /// longer than the lease would otherwise be reaped by the `run` nodes).
    func renewing() -> Task<Void, Never> {
        Task { await every(store.lease / 3) { renew() } }
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

    /// `RENEW` of every run under way; each one not renewed was reaped: `SELF_FENCE`.
    func renew() {
        let running = claims.claims
        guard !running.isEmpty else { return }
        let renewed: Set<RunClaim>
        do {
            renewed = try store.renew(running)
        } catch {
            logger.error("Cannot renew the leases of running runs", metadata: ["error": .string("\(error)")])
            return
        }
        for claim in running where !renewed.contains(claim) {
            guard let entry = claims.fence(claim) else { continue }  // ended meanwhile
            logger.error(
                "run \(claim.runID) (\(entry.job)) lost its lease: reaped while this node was away; its late writes are refused; stopping it",
                metadata: ["job": .string(entry.job), "run": .stringConvertible(claim.runID)])
        }
    }

    /// `REAP_ABANDON`: expired leases of any node become `abandoned`.
    func reap() {
        do {
            for run in try store.reap(retrying: [:]).abandoned {
                logger.warning(
                    "run \(run.runID) (\(run.job)) abandoned: its lease expired; node \(run.ownerNode) stopped renewing",
                    metadata: ["job": .string(run.job), "run": .stringConvertible(run.runID)])
                fireFailureHook(run)
            }
        } catch {
            logger.error("Cannot reap expired leases", metadata: ["error": .string("\(error)")])
        }
    }
}
