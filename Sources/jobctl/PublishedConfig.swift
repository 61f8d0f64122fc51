import JobctlConfig
import Synchronization

/// What a `run` node has told the other nodes (docs/several-hosts.md §5.1): the config it
/// claims with and its whole digest, which every `HEARTBEAT` repeats. Set by `NODE_START` and
/// by each reload the node accepts (SIGHUP), read by the heartbeat and by the reaper (the hooks
/// of the jobs it abandons come from the config in force).
final class PublishedConfig: Sendable {
    private let state = Mutex<(config: JobsConfig, digest: String, retrying: [String: String])?>(nil)

    init() {}

    /// Also works out, once per config, the `on_lost=retry` jobs' digests the reaper passes.
    func set(_ config: JobsConfig, digest: String) {
        let retrying = PostgresNode.retryDigests(config)
        state.withLock { $0 = (config, digest, retrying) }
    }

    /// Nil before `NODE_START`.
    var config: JobsConfig? { state.withLock { $0?.config } }
    var digest: String? { state.withLock { $0?.digest } }
    /// The config and its `on_lost=retry` digests, read together (nil before `NODE_START`).
    var retrying: (config: JobsConfig, digests: [String: String])? {
        state.withLock { $0.map { ($0.config, $0.retrying) } }
    }
}
