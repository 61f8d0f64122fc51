import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// `DEQUEUE` (docs/several-hosts.md §5.10): `overlap=queue` across nodes. `CLAIM` records a fire
/// blocked by a live run `queued` (one per job); any node whose config has the job with the same
/// definition starts it once no run of the job is live.
extension PostgresStateStore: QueuedFires {
    /// Starts the queued fire of each of `jobs` (name → this node's digest of its definition)
    /// whose job has no live run and whose row was queued under the same digest (a node never
    /// starts a fire queued under another definition): the row becomes this node's `running` run
    /// with a fresh lease, `started_at` = now (the fire's real start; `.caller` mode: `now`)
    /// and its lateness from there, as `CLAIM` computes it. It keeps its fire, trigger and
    /// attempt. A paused job's queued fire is recorded `skipped` instead, with the pause's
    /// reason (when its turn comes, as on one host), and not returned. One autocommit
    /// statement; `FOR UPDATE SKIP LOCKED` keeps concurrent dequeuers apart, so each queued fire
    /// is taken once.
    ///
    /// Decisions:
    /// - All the listed jobs in one statement (at most one queued row per job, the one-queued
    ///   index), locked in job order (the summaries' triggers lock each job's row: one order).
    /// - A claim that started a run of the job after this statement's snapshot makes the update
    ///   break the one-live index (unique violation): that is "took nothing", not an error. With
    ///   several jobs the statement is then tried job by job, so the others are still taken.
    public func dequeue(jobs: [String: String]) throws -> [HeldFire] {
        try dequeue(jobs: jobs, now: nil)
    }

    /// The `overlap=queue` jobs of the policies this node claims with (`setJobPolicies`,
    /// `startNode`), with their digests.
    public var queueJobDigests: [String: String] {
        policies.all.filter { $0.value.exclusive && $0.value.queue }.mapValues(\.digest)
    }

    /// `dequeue(jobs:)`, recording `now` as the start in `.caller` mode (ignored otherwise).
    public func dequeue(jobs: [String: String], now: Date?) throws -> [HeldFire] {
        if jobs.isEmpty { return [] }
        let recordedNow = try now.flatMap { try recorded($0) }
        do {
            return try dequeueStatement(jobs, recordedNow: recordedNow)
        } catch let error as PostgresError where error.isUniqueViolation {
            guard jobs.count > 1 else { return [] }
            var taken: [HeldFire] = []
            for (job, digest) in jobs.sorted(by: { $0.key < $1.key }) {
                do {
                    taken += try dequeueStatement([job: digest], recordedNow: recordedNow)
                } catch let error as PostgresError where error.isUniqueViolation {
                    continue
                }
            }
            return taken
        }
    }

    private func dequeueStatement(_ jobs: [String: String], recordedNow: PostgresValue?) throws -> [HeldFire] {
        let sorted = jobs.sorted { $0.key < $1.key }
        let parameters: [PostgresValue?] = [
            .text(Self.arrayLiteral(sorted.map(\.key))), .text(Self.arrayLiteral(sorted.map(\.value))),
            .text(node.id), .int64(leaseMilliseconds), .text(node.host), .int64(Int64(node.pid)), recordedNow,
        ]
        let rows = try Self.retryingDeadlocks { try autocommit(Self.dequeueSQL, parameters) }
        return try rows.filter { try $0.string("status") == "running" }.map(Self.heldFire)
    }

    static func heldFire(_ row: PostgresRow) throws -> HeldFire {
        guard let id = try row.int64("id"), let job = try row.string("job"),
            let trigger = try row.string("triggered_by").flatMap(TriggerKind.init(rawValue:)),
            let attempt = try row.int("attempt")
        else { throw PostgresStateStoreError.unreadableRow("a dequeued run without id, job, trigger or attempt") }
        return HeldFire(
            job: job, claim: RunClaim(runID: id, token: id),
            scheduledAt: try row.int64("scheduled_ms").map(HistoryTime.date(milliseconds:)), attempt: attempt,
            triggeredBy: trigger)
    }

    /// Records `skipped` each queued fire that no node can start: queued more than `age` ago
    /// (by its claim) while no live node has its job with the definition it was queued under
    /// (the job left every node's config, or changed). Decision: housekeeping's, hourly on every
    /// `run` node (`PostgresNode+Housekeeping`); a day, so a restart or a config roll-out
    /// never loses a waiting fire, while a fire stranded for good does not wait forever (it
    /// would start, very late, on the day a node brought the job back). Returns how many.
    @discardableResult
    public func skipStrandedQueued(olderThan age: Duration = .seconds(86_400), now: Date? = nil) throws -> Int {
        let recordedNow = try now.flatMap { try recorded($0) }
        return try Self.retryingDeadlocks {
            try autocommit(Self.skipStrandedSQL, [.int64(Self.milliseconds(age)), recordedNow]).count
        }
    }

    public static let strandedReason = "queued fire never started: no live node has its job with this definition"

    /// $1 age (ms), $2 recorded end (NULL: now()).
    static let skipStrandedSQL = """
        UPDATE jobctl_execution q
        SET status = 'skipped', finished_at = GREATEST(COALESCE($2::timestamptz, \(recordedNowSQL)), q.started_at),
            error = '\(strandedReason)'
        WHERE q.status = 'queued' AND q.started_at < now() - $1::bigint * interval '1 millisecond'
          AND NOT EXISTS (SELECT 1 FROM jobctl_node_job nj JOIN jobctl_node n USING (node_id)
                          WHERE nj.job = q.job AND nj.digest = q.config_digest AND n.stopped_at IS NULL
                            AND n.heartbeat_at > now() - \(milliseconds(liveHeartbeat)) * interval '1 millisecond')
        RETURNING q.id
        """

    // PROTOCOL: DEQUEUE
    /// $1 jobs, $2 their digests, $3 node, $4 lease (ms), $5 host, $6 pid, $7 recorded start
    /// (NULL: now()). A paused job's queued fire is recorded `skipped` with the pause's reason
    /// when its turn comes (`JobPause.skipReason`), as on one host, where a queued fire meets
    /// the pause check when it is started.
    static let dequeueSQL = """
        WITH want AS (
          SELECT * FROM unnest($1::text[], $2::text[]) AS w(job, digest)
        ), pick AS (
          SELECT q.id, p.job IS NOT NULL AS paused,
                 'paused by ' || p.paused_by || ' at '
                   || to_char(p.paused_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                   || COALESCE(': ' || p.note, '') AS reason
          FROM jobctl_execution q JOIN want w ON w.job = q.job AND w.digest = q.config_digest
          LEFT JOIN jobctl_pause p ON p.job = q.job
          WHERE q.status = 'queued'
            AND NOT EXISTS (SELECT 1 FROM jobctl_execution l
                            WHERE l.job = q.job AND l.status = 'running' AND l.exclusive)
          ORDER BY q.job
          FOR UPDATE OF q SKIP LOCKED
        ), s AS (
          SELECT COALESCE($7::timestamptz, \(recordedNowSQL)) AS t
        )
        UPDATE jobctl_execution e
        SET status = CASE WHEN pick.paused THEN 'skipped' ELSE 'running' END,
            owner_node = CASE WHEN pick.paused THEN NULL ELSE $3::text END,
            lease_until = CASE WHEN pick.paused THEN NULL ELSE now() + $4::bigint * interval '1 millisecond' END,
            started_at = CASE WHEN pick.paused THEN e.started_at ELSE s.t END,
            host = $5::text, pid = $6::integer,
            lateness_ms = CASE WHEN NOT pick.paused AND e.triggered_by IN ('schedule', 'catchup')
                               THEN jobctl_ms(s.t) - jobctl_ms(e.scheduled_at) END,
            finished_at = CASE WHEN pick.paused THEN GREATEST(s.t, e.started_at) END,
            error = CASE WHEN pick.paused THEN pick.reason END
        FROM pick, s
        WHERE e.id = pick.id AND e.status = 'queued'
        RETURNING e.id, e.job, jobctl_ms(e.scheduled_at) AS scheduled_ms, e.attempt, e.triggered_by, e.status
        """
}
