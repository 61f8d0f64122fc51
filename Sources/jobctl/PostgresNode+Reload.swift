import Foundation
import JobctlConfig
import JobctlPostgresStore
import JobctlStore
import Logging

/// SIGHUP on a node (docs/several-hosts.md §5.1): a reload the scheduler accepts replaces this
/// node's `jobctl_node_job` rows with the new digests, in one transaction (`startNode`), and
/// the claims use the new policies from then on. So a node whose config now agrees with the
/// others claims again, and one that now disagrees is refused, without a restart.
extension PostgresNode {
    /// Called by the scheduler's config loader with the config it read, before the scheduler
    /// applies it. A config the scheduler will refuse (`reloadRefusal`: a start-only setting
    /// changed) publishes nothing. Decision: when the new digests cannot be written (the
    /// database is away), the reload is refused whole, as a config error: the node keeps
    /// claiming with what it told the others, and a second SIGHUP tries again.
    func publishReload(_ fresh: JobsConfig) throws(ConfigErrors) {
        guard let current = published.config, current.reloadRefusal(fresh) == nil else { return }
        do {
            try publish(fresh)
        } catch {
            let location = ConfigLocation(path: fresh.path, line: 1, column: 1)
            let problem = ConfigProblem.stateDatabaseURL("cannot publish the reloaded jobs' digests: \(error)")
            throw ConfigErrors([ConfigError(location: location, problem: problem)])
        }
        logger.info(
            "Node \(store.node.id) published the reloaded config's digests",
            metadata: ["configDigest": .string(published.digest ?? "")])
    }

    /// `NODE_START` and a reload: the node's row, its (job, digest) rows and its claim policies.
    func publish(_ config: JobsConfig) throws {
        let policies = ConfigDigest.policies(config)
        let whole = ConfigDigest.whole(policies)
        try store.startNode(version: JobctlVersion.current, configDigest: whole, jobs: policies)
        published.set(config, digest: whole)
    }
}
