import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// `NODE_START`, `HEARTBEAT`, the clean stop and `jobctl nodes` (docs/several-hosts.md §5.1).
/// The heartbeat is for visibility and for the definition check of `CLAIM` only: no
/// correctness decision reads it (a run's liveness is its own lease).
extension PostgresStateStore {
    /// A node is live for the definition check while its heartbeat is younger than this
    /// (3 × `HEARTBEAT_EVERY`), by the database's clock.
    public static let liveHeartbeat: Duration = .seconds(30)

    /// `NODE_START` (and a reload): upserts this node's row and replaces its (job, digest) rows
    /// with `jobs` (every enabled job), in one transaction; the same policies then serve the
    /// claims through the protocol (`setJobPolicies`), so what this node claims with is what it
    /// told the others.
    public func startNode(version: String, configDigest: String, jobs: [String: JobClaimPolicy]) throws {
        try transaction { tx in
            try heartbeat(tx, version: version, configDigest: configDigest)
            try tx.execute("DELETE FROM jobctl_node_job WHERE node_id = $1::text", [.text(node.id)])
            let sorted = jobs.sorted { $0.key < $1.key }
            guard !sorted.isEmpty else { return }
            try tx.execute(
                """
                INSERT INTO jobctl_node_job (node_id, job, digest)
                SELECT $1::text, j, d FROM unnest($2::text[], $3::text[]) AS x(j, d)
                """,
                [
                    .text(node.id), .text(Self.arrayLiteral(sorted.map(\.key))),
                    .text(Self.arrayLiteral(sorted.map(\.value.digest))),
                ])
        }
        setJobPolicies(jobs)
    }

    /// `HEARTBEAT`: every `HEARTBEAT_EVERY` (10 s). An upsert, so a node whose row was removed
    /// by housekeeping comes back.
    public func heartbeat(version: String, configDigest: String) throws {
        try transaction { tx in try heartbeat(tx, version: version, configDigest: configDigest) }
    }

    // PROTOCOL: NODE_START, HEARTBEAT
    func heartbeat(_ tx: PostgresConnection, version: String, configDigest: String) throws {
        try tx.execute(
            """
            INSERT INTO jobctl_node (node_id, host, pid, version, config_digest)
            VALUES ($1::text, $2::text, $3::integer, $4::text, $5::text)
            ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now(), config_digest = EXCLUDED.config_digest,
              version = EXCLUDED.version, stopped_at = NULL
            """,
            [.text(node.id), .text(node.host), .int64(Int64(node.pid)), .text(version), .text(configDigest)])
    }

    /// A clean exit: the node no longer counts in the definition check.
    public func stopNode() throws {
        _ = try transaction { tx in
            try tx.execute("UPDATE jobctl_node SET stopped_at = now() WHERE node_id = $1::text", [.text(node.id)])
        }
    }

    /// Housekeeping: deletes the rows of nodes stopped or silent for `age` (a day by default);
    /// their job rows go with them. Returns how many.
    @discardableResult
    public func deleteGoneNodes(olderThan age: Duration = .seconds(86_400)) throws -> Int {
        try transaction { tx in
            try tx.execute(
                """
                DELETE FROM jobctl_node
                WHERE COALESCE(stopped_at, heartbeat_at) < now() - $1::bigint * interval '1 millisecond'
                """, [.int64(Self.milliseconds(age))])
        }
    }

    /// Every node, newest start first, with whether it is live and what it is running.
    public func nodes() throws -> [NodeRecord] {
        try transaction(.repeatableRead) { tx in
            var running: [String: [NodeRun]] = [:]
            for row in try tx.query(Self.nodeRunsSQL) {
                guard let owner = try row.string("owner_node") else { continue }
                running[owner, default: []].append(try Self.nodeRun(row))
            }
            return try tx.query(Self.nodesSQL, [.int64(Self.milliseconds(Self.liveHeartbeat))]).map { row in
                try Self.nodeRecord(row, running: running)
            }
        }
    }

    static let nodesSQL = """
        SELECT node_id, host, pid, version, config_digest, jobctl_ms(started_at) AS started_ms,
               jobctl_ms(heartbeat_at) AS heartbeat_ms, jobctl_ms(stopped_at) AS stopped_ms,
               stopped_at IS NULL AND heartbeat_at > now() - $1::bigint * interval '1 millisecond' AS live
        FROM jobctl_node ORDER BY started_at DESC, node_id
        """

    static let nodeRunsSQL = """
        SELECT id, job, owner_node, jobctl_ms(scheduled_at) AS scheduled_ms, jobctl_ms(started_at) AS started_ms,
               jobctl_ms(lease_until) AS lease_ms
        FROM jobctl_execution WHERE status = 'running' ORDER BY started_at, id
        """

    static func nodeRun(_ row: PostgresRow) throws -> NodeRun {
        guard let id = try row.int64("id"), let job = try row.string("job"), let started = try row.int64("started_ms"),
            let lease = try row.int64("lease_ms")
        else { throw PostgresStateStoreError.unreadableRow("a running run without id, job, start or lease") }
        let date = HistoryTime.date(milliseconds:)
        return NodeRun(
            runID: id, job: job, scheduledAt: try row.int64("scheduled_ms").map(date), startedAt: date(started),
            leaseUntil: date(lease))
    }

    static func nodeRecord(_ row: PostgresRow, running: [String: [NodeRun]]) throws -> NodeRecord {
        guard let id = try row.string("node_id"), let started = try row.int64("started_ms"),
            let heartbeat = try row.int64("heartbeat_ms")
        else { throw PostgresStateStoreError.unreadableRow("a node row without id, start or heartbeat") }
        let date = HistoryTime.date(milliseconds:)
        return NodeRecord(
            nodeID: id, host: try row.string("host") ?? "",
            pid: try row.int64("pid").flatMap { Int32(exactly: $0) } ?? 0,
            version: try row.string("version") ?? "", configDigest: try row.string("config_digest") ?? "",
            startedAt: date(started), heartbeatAt: date(heartbeat), stoppedAt: try row.int64("stopped_ms").map(date),
            isLive: try row.bool("live") ?? false, running: running[id] ?? [])
    }

    /// A PostgreSQL array literal of texts (`{"a","b\\"c"}`), for `$n::text[]`.
    static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map(arrayElement).joined(separator: ",") + "}"
    }

    /// One quoted element of an array literal: `\` and `"` escaped by a backslash. By bytes, not
    /// `replacingOccurrences`: a burst claim quotes ten thousand of them, and Foundation's
    /// replacement cost 40 ms of the 1,000-fire claim's start (docs/benchmarks.md).
    static func arrayElement(_ value: String) -> String {
        let (backslash, quote) = (UInt8(ascii: "\\"), UInt8(ascii: "\""))
        guard value.utf8.contains(where: { $0 == backslash || $0 == quote }) else { return "\"" + value + "\"" }
        var bytes: [UInt8] = [quote]
        bytes.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            if byte == backslash || byte == quote { bytes.append(backslash) }
            bytes.append(byte)
        }
        bytes.append(quote)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whole milliseconds of a positive duration (the lease, ages).
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension PostgresStateStore {
    /// The database's `now()`, which a node's clock follows (`FIRE_LOOP`, §5.2:
    /// `DatabaseTimedClock` in the executable).
    public func databaseNow() throws -> Date {
        let row = try transaction { tx in try tx.query("SELECT now() AS db_now").first }
        guard let now = try row?.date("db_now") else { throw PostgresError(.decoding, "SELECT now() returned no row") }
        return now
    }
}
