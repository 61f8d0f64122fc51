import JobctlConfig
import JobctlPostgresStore
import JobctlRunning
import JobctlStore
import Logging

extension PostgresNode {
    /// `trigger` and `backfill` on a PostgreSQL `STATE_DB`: a node of their own for the runs they
    /// make, so the job's digest and overlap hold across nodes (the claims carry the config's
    /// policies), and `runner` takes no lock file and registers its claims for renewal (start
    /// `renewing()`): a run longer than `LEASE` is not reaped by the `run` nodes. Nil on SQLite,
    /// where `runner` is left as it is.
    static func leasing(_ runner: inout JobRunner, store: any StateStore, config: JobsConfig) -> PostgresNode? {
        guard let store = store as? PostgresStateStore else { return nil }
        let node = PostgresNode(store: store, logger: Logger(label: "jobctl"))
        store.setJobPolicies(ConfigDigest.policies(config))
        runner.runGuard = FreeRunGuard()
        runner.liveClaims = node.claims
        return node
    }
}
