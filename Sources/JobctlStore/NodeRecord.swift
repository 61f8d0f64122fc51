import Foundation

/// One row of `jobctl_node` as `jobctl nodes` and the HTTP status show it: who, which version
/// and config, when it last said it was alive, and what it is running now. Only a PostgreSQL
/// `STATE_DB` has nodes (`StateStore.nodes()`); it lives here, beside the protocol, so that the
/// HTTP status reads it through `any StateStore`.
public struct NodeRecord: Sendable, Equatable {
    public var nodeID: String
    public var host: String
    public var pid: Int32
    public var version: String
    /// The digest of the node's whole config.
    public var configDigest: String
    public var startedAt: Date
    public var heartbeatAt: Date
    /// Set by a clean exit.
    public var stoppedAt: Date?
    /// Not stopped, and its heartbeat is under `PostgresStateStore.liveHeartbeat` old by the
    /// database's clock: its job digests count in the claim's agreement check.
    public var isLive: Bool
    /// Its running runs (its leases), oldest first.
    public var running: [NodeRun]

    public init(
        nodeID: String, host: String, pid: Int32, version: String, configDigest: String, startedAt: Date,
        heartbeatAt: Date, stoppedAt: Date?, isLive: Bool, running: [NodeRun]
    ) {
        self.nodeID = nodeID
        self.host = host
        self.pid = pid
        self.version = version
        self.configDigest = configDigest
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.stoppedAt = stoppedAt
        self.isLive = isLive
        self.running = running
    }
}
