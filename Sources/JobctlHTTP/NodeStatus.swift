import Foundation
import JobctlStore

/// One node of a PostgreSQL `STATE_DB` in the status API (`data.nodes`; issue 11: "the HTTP
/// status includes them"), the fields of `jobctl nodes --json` with the API's camelCase keys:
/// `id`, `host`, `pid`, `version`, `startedAt`, `lastHeartbeat`, `stoppedAt` (null while
/// running), `configDigest`, `state` (`live`, `silent` or `stopped`) and `running` (its runs
/// under lease: `id`, `job`, `scheduledAt` (null for a manual run), `startedAt`, `leaseUntil`).
///
/// Decision: shown to anonymous readers too. Nothing in it is secret: host and pid are already
/// in every execution they read, the digest is a 64-bit FNV-1a over the whole config's job
/// digests (not reversible into a command line), and a running run is an id and a job name.
/// Redaction keeps protecting what a job prints (`ReadAccess`).
struct NodeStatus: Encodable, Sendable {
    struct Run: Encodable, Sendable {
        var id: Int64
        var job: String
        var scheduledAt: String?
        var startedAt: String
        var leaseUntil: String

        enum CodingKeys: String, CodingKey { case id, job, scheduledAt, startedAt, leaseUntil }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(job, forKey: .job)
            try c.encode(scheduledAt, forKey: .scheduledAt)
            try c.encode(startedAt, forKey: .startedAt)
            try c.encode(leaseUntil, forKey: .leaseUntil)
        }
    }

    var id: String
    var host: String
    var pid: Int32
    var version: String
    var startedAt: String
    var lastHeartbeat: String
    var stoppedAt: String?
    var configDigest: String
    var state: String
    var running: [Run]

    init(_ node: NodeRecord) {
        id = node.nodeID
        host = node.host
        pid = node.pid
        version = node.version
        startedAt = HistoryTime.rfc3339(node.startedAt)
        lastHeartbeat = HistoryTime.rfc3339(node.heartbeatAt)
        stoppedAt = node.stoppedAt.map(HistoryTime.rfc3339(_:))
        configDigest = node.configDigest
        state = node.stoppedAt != nil ? "stopped" : node.isLive ? "live" : "silent"
        running = node.running.map { run in
            Run(
                id: run.runID, job: run.job, scheduledAt: run.scheduledAt.map(HistoryTime.rfc3339(_:)),
                startedAt: HistoryTime.rfc3339(run.startedAt), leaseUntil: HistoryTime.rfc3339(run.leaseUntil))
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, host, pid, version, startedAt, lastHeartbeat, stoppedAt, configDigest, state, running
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(host, forKey: .host)
        try c.encode(pid, forKey: .pid)
        try c.encode(version, forKey: .version)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(lastHeartbeat, forKey: .lastHeartbeat)
        try c.encode(stoppedAt, forKey: .stoppedAt)
        try c.encode(configDigest, forKey: .configDigest)
        try c.encode(state, forKey: .state)
        try c.encode(running, forKey: .running)
    }
}
