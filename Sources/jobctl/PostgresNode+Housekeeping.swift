import Foundation
import JobctlArcade
import JobctlPostgresStore
import JobctlRunning
import Logging

/// Housekeeping of a `run` node (docs/several-hosts.md §5.1): the rows of nodes stopped or
/// silent for a day are deleted (their job digests with them), and the runs this node reaps
/// fire their job's `on_failure` hook.
extension PostgresNode {
    /// How often a `run` node deletes gone nodes: at its start, then hourly. Decision: every
    /// node does it (one indexed `DELETE`, idempotent, nothing to coordinate); the age is
    /// `deleteGoneNodes`' day, so a silent node's row stays visible in `jobctl nodes` a day.
    static let housekeepingEvery: Duration = .seconds(3600)

    /// The housekeeping loop; ends when its task is cancelled.
    func housekeeping() async {
        while !Task.isCancelled {
            deleteGoneNodes()
            skipStrandedQueued()
            try? await Task.sleep(for: Self.housekeepingEvery)
        }
    }

    func deleteGoneNodes() {
        do {
            let deleted = try store.deleteGoneNodes()
            if deleted > 0 { logger.info("Deleted \(deleted) node row(s) stopped or silent for a day") }
        } catch {
            logger.error("Cannot delete the rows of gone nodes", metadata: ["error": .string("\(error)")])
        }
    }

    /// Queued fires (`overlap=queue`) no live node can start, a day old: recorded `skipped`
    /// (`PostgresStateStore.skipStrandedQueued`).
    func skipStrandedQueued() {
        do {
            let skipped = try store.skipStrandedQueued()
            if skipped > 0 { logger.warning("Recorded \(skipped) queued fire(s) no live node can start as skipped") }
        } catch {
            logger.error("Cannot skip stranded queued fires", metadata: ["error": .string("\(error)")])
        }
    }

    /// `on_failure=` for a run this node reaped (`JobRunner.afterAbandoned`), with the job as this
    /// node's config in force defines it; nothing when that config lacks the job or its hooks.
    /// The hook runs here, in `hooks` (drained when the node stops). Decision: its
    /// `JOBCTL_HOST` is this node's host (where the hook runs and is recorded); the dead node
    /// is named in `JOBCTL_ERROR` ("lease expired: node … stopped renewing").
    func fireFailureHook(_ run: ReapedRun) {
        guard let config = published.config, let job = config.job(named: run.job), !job.hooks.isEmpty else { return }
        var runner = JobRunner(
            environment: RunEnvironment(config), store: store, clock: SystemWallClock(), logger: logger,
            identity: .current, jobs: ArcadeJobs.registry)
        runner.hookTasks = hooks
        runner.afterAbandoned(job, runID: run.runID, fire: run.scheduledAt)
    }
}
