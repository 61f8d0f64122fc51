import Foundation
import JobctlPostgres

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 11's three-node scenario through the real binary on one `ClusterDatabase`, run on a
/// thread of its own (`offPool`): it drives the nodes and gathers what an independent reader of
/// the database sees; the test asserts on the `Findings`.
///
/// With `disturb`: after a quiet phase, `kill -9` of a node holding a `slow` run, then SIGSTOP
/// of a survivor right after it started a `long` run, held until the other survivor has reaped
/// every run it froze, then SIGCONT. The clocks at +5 s and −5 s are the nodes' own; they plan
/// by the database's time as they measure it (`DatabaseTimedClock`), so any node may win a fire.
final class ThreeNodeRun {
    /// The jobs of the scenario: name, period in seconds, seconds each run sleeps, and how long
    /// before the end a fire must be for its run to be over when the nodes stop: the run's
    /// length, plus 5 s (the late node may be the one running it), plus 3 s of slack.
    static let jobs: [(name: String, period: Int, sleep: Int, margin: Int)] = [
        ("tick", 1, 0, 8), ("slow", 3, 2, 10), ("long", 5, 15, 23),
    ]

    struct Findings: Sendable {
        var started = false
        var killedRun: Int64?
        var stoppedRun: Int64?
        /// The frozen runs of the stopped node all ended (reaped) while it was stopped.
        var frozenRunsEnded = false
        var stoppedRunStatus: String?
        var killedRunStatus: String?
        /// The processes of the stopped node's `long` run were gone, and it had not finished,
        /// just before SIGCONT.
        var stoppedChildKilled = false
        /// The stopped node's log says it stopped writing about that run: it self-fenced at its
        /// deadline, or its late writes were refused.
        var stoppedNodeLogsRefusal = false
        var doubles: Int64 = -1
        var early: Int64 = -1
        var missing: [String] = []
        var stillRunning: Int64 = -1
        var leftProcesses: [pid_t] = []
        var exits: [Int32?] = []
        var logs = ""
    }

    let db: ClusterDatabase
    let nodes: [Daemon]
    /// The jobs of `jobs` this run's config has (`jobLines(_:names:)`).
    let names: [String]
    var findings = Findings()
    private var victims: [String] = []
    private var stoppedNode: Daemon?

    /// The job lines for `db` (every job `overlap=allow`: a fire of a job whose previous run is
    /// still live on a frozen node runs instead of being recorded `skipped`).
    static func jobLines(_ db: ClusterDatabase, names: [String] = ["tick", "slow", "long"]) -> [String] {
        let cron = [1: "* * * * * *", 3: "*/3 * * * * *", 5: "*/5 * * * * *"]
        return jobs.filter { names.contains($0.name) }.map { job in
            "\(cron[job.period] ?? "") \(job.name) \(db.command(sleeping: job.sleep)) overlap=allow"
        }
    }

    /// Starts one node per entry of `offsets` (a `JOBCTL_CLOCK_OFFSET`, or nil).
    init(_ db: ClusterDatabase, offsets: [String?], names: [String] = ["tick", "slow", "long"]) throws {
        self.db = db
        self.names = names
        nodes = try offsets.map { offset in try db.node(offset.map { ["JOBCTL_CLOCK_OFFSET": $0] } ?? [:]) }
    }

    /// The whole run: `quiet` seconds undisturbed, the disturbances, `tail` seconds more.
    func run(quiet: UInt32, disturb: Bool, tail: UInt32) throws -> Findings {
        defer { nodes.forEach { $0.signal(SIGCONT) } }
        findings.started = nodes.allSatisfy { $0.waitFor("Scheduler started", timeout: 30) }
        guard findings.started else { return finish(from: 0, through: 0) }
        let from = try db.now() + 1
        Self.pause(seconds: quiet)
        if disturb {
            try killOne()
            try stopOne()
        }
        Self.pause(seconds: tail)
        let through = try db.now()
        return finish(from: from, through: through)
    }

    /// `kill -9` of an on-time or early node while it runs a `slow` fire.
    private func killOne() throws {
        let candidates = try nodes.prefix(2).compactMap { try db.nodeID(of: $0) }
        let row = try db.poll(timeout: 15) {
            try db.connection.query(
                """
                SELECT id, owner_node FROM jobctl_execution
                WHERE job = 'slow' AND status = 'running' AND owner_node = ANY($1::text[])
                ORDER BY id DESC LIMIT 1
                """, [.text(Self.array(candidates))]
            ).first
        }
        guard let row, let id = try row.int64("id"), let owner = try row.string("owner_node"),
            let victim = try nodes.first(where: { try db.nodeID(of: $0) == owner })
        else { return }
        victim.signal(SIGKILL)
        _ = victim.wait()
        victims.append(owner)
        findings.killedRun = id
    }

    /// SIGSTOP of a surviving node right after its `long` child started (whichever survivor wins
    /// the next `long` fire: the nodes plan by the database's time, so none of them is "late");
    /// SIGCONT once the other survivor has reaped every run it froze.
    private func stopOne() throws {
        guard let killed = victims.first else { return }
        let survivors = try nodes.compactMap { node -> (Daemon, String)? in
            guard let id = try db.nodeID(of: node), id != killed else { return nil }
            return (node, id)
        }
        let found = try db.poll(timeout: 20) { () throws -> (Int64, String)? in
            guard
                let row = try db.connection.query(
                    """
                    SELECT id, owner_node FROM jobctl_execution WHERE job = 'long' AND status = 'running'
                      AND owner_node = ANY($1::text[]) AND started_at > now() - interval '2 seconds'
                    ORDER BY id DESC LIMIT 1
                    """, [.text(Self.array(survivors.map(\.1)))]
                ).first,
                let id = try row.int64("id"), let owner = try row.string("owner_node")
            else { return nil }
            return db.pids(ofRun: id).count == 2 ? (id, owner) : nil
        }
        guard let found, let node = survivors.first(where: { $0.1 == found.1 })?.0 else { return }
        let (fresh, owner) = found
        node.signal(SIGSTOP)
        stoppedNode = node
        victims.append(owner)
        findings.stoppedRun = fresh
        let frozen = try db.connection.query(
            "SELECT id FROM jobctl_execution WHERE owner_node = $1::text AND status = 'running'", [.text(owner)]
        ).compactMap { try $0.int64("id") }
        // Lease 3 s, renewed every second, reaped within 2 s of expiring: a 20 s hang guard.
        findings.frozenRunsEnded =
            try db.poll(timeout: 20) {
                try db.count(
                    "SELECT count(*) AS n FROM jobctl_execution WHERE id = ANY($1::bigint[]) AND status = 'running'",
                    [.text("{" + frozen.map(String.init).joined(separator: ",") + "}")]) == 0 ? true : nil
            } ?? false
        usleep(1_000_000)  // the node's own deadline (the guard's) is no later than the lease
        findings.stoppedChildKilled =
            !db.pids(ofRun: fresh).contains(where: ClusterDatabase.isRunning) && !db.finished(run: fresh)
        node.signal(SIGCONT)
    }

    /// Stops the nodes still running and reads the database.
    private func finish(from: Int64, through: Int64) -> Findings {
        findings.exits = nodes.filter { $0.process.isRunning }.map { $0.stop() }
        usleep(500_000)
        findings.leftProcesses = db.pids().filter(ClusterDatabase.isRunning)
        findings.logs = nodes.enumerated().map { "--- node \($0.offset)\n\($0.element.output)" }.joined()
        do {
            try readDatabase(from: from, through: through)
        } catch {
            findings.logs += "\nreading the database failed: \(error)"
        }
        if let stopped = findings.stoppedRun, let log = stoppedNode?.output {
            findings.stoppedNodeLogsRefusal =
                log.split(separator: "\n").contains { line in
                    Self.line(line, names: stopped)
                        && (line.contains("lost its lease") || line.contains("refused")
                            || line.contains("passed its lease deadline"))
                }
        }
        return findings
    }

    private func readDatabase(from: Int64, through: Int64) throws {
        findings.doubles = try db.count(
            """
            SELECT count(*) AS n FROM (SELECT 1 FROM jobctl_execution WHERE scheduled_at IS NOT NULL
              GROUP BY job, scheduled_at, attempt HAVING count(*) > 1) d
            """)
        findings.early = try db.count(
            "SELECT count(*) AS n FROM jobctl_execution WHERE scheduled_at IS NOT NULL AND started_at < scheduled_at")
        findings.stillRunning = try db.count("SELECT count(*) AS n FROM jobctl_execution WHERE status = 'running'")
        let status = { (id: Int64?) in
            try id.flatMap {
                try self.db.connection.query("SELECT status FROM jobctl_execution WHERE id = $1::bigint", [.int64($0)])
                    .first?.string("status")
            }
        }
        findings.killedRunStatus = try status(findings.killedRun)
        findings.stoppedRunStatus = try status(findings.stoppedRun)
        guard through > from else { return }
        findings.missing = try db.connection.query(
            Self.missingSQL, [.int64(from), .int64(through), .text(Self.array(victims)), .text(Self.array(names))]
        ).compactMap { try $0.string("fire") }
    }

    /// Every fire of each job from $1 to $2 minus the job's margin (epoch seconds) without
    /// exactly the row it should have: `succeeded`, or `abandoned` on a victim ($3); jobs $4.
    static var missingSQL: String {
        let values = jobs.map { "('\($0.name)', \($0.period), \($0.margin))" }.joined(separator: ", ")
        return """
            SELECT j.job || ' at ' || g.s AS fire
            FROM (VALUES \(values)) AS j(job, period, margin),
                 LATERAL generate_series($1::bigint, $2::bigint - j.margin) AS g(s)
            WHERE g.s % j.period = 0
              AND j.job = ANY($4::text[])
              AND NOT EXISTS (
                SELECT 1 FROM jobctl_execution e
                WHERE e.job = j.job AND e.scheduled_at = to_timestamp(g.s)
                  AND (e.status = 'succeeded' OR (e.status = 'abandoned' AND e.owner_node = ANY($3::text[]))))
            ORDER BY g.s, j.job
            """
    }

    /// True when a log line names run `id` (`run 42 (job) …` or the `run=42` metadata).
    static func line(_ line: Substring, names id: Int64) -> Bool {
        let words = line.split(separator: " ")
        return words.contains("run=\(id)") || zip(words, words.dropFirst()).contains { $0 == "run" && $1 == "\(id)" }
    }

    /// Waits `seconds` of wall time (`sleep` returns early on a signal).
    static func pause(seconds: UInt32) {
        let end = Date().addingTimeInterval(TimeInterval(seconds))
        while Date() < end { usleep(50_000) }
    }

    static func array(_ texts: [String]) -> String {
        "{" + texts.map { "\"\($0)\"" }.joined(separator: ",") + "}"
    }
}
