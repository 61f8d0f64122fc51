import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// `CLAIM` of many fires in one statement (docs/several-hosts.md §5.3: "many jobs due at one
/// instant … may be claimed in one statement, the same query over `unnest`").
extension PostgresStateStore {
    /// The most fires `claimFires(_:)` takes at once (each row is 10 array elements).
    public static let batchClaimLimit = 5_000

    /// `CLAIM` of each fire of `starts` in one autocommit statement; the answers in the same
    /// order, each what `claimFire(start, policy: <the job's policy>)` would have answered at
    /// that moment (`ClaimOutcome`): claimed, skipped or queued by overlap, not due, refused, taken,
    /// adopted, race.
    ///
    /// Decisions:
    /// - Fires only (`schedule`, `catchup`, `retry`…, each with its `scheduledFor`): a manual
    ///   run has its own rules (`CLAIM_MANUAL`) and is never batched. Each (job, fire, attempt)
    ///   at most once, and each job at most once (its overlap is decided per job): otherwise
    ///   `.invalidArgument`, nothing claimed.
    /// - Each row keeps the single claim's semantics; rows do not see each other (one
    ///   snapshot), as two single claims in flight at once do not.
    /// - A `.race` answer (the fire's winner committed after this statement's snapshot) is
    ///   the caller's to claim again, as `claim(_:)` does for a single fire.
    /// - The scheduler does not call it yet: it claims fire by fire. It exists for the
    ///   1,000-jobs-in-one-second figure of `make bench` (docs/benchmarks.md).
    public func claimFires(_ starts: [ExecutionStart]) throws -> [ClaimAnswer] {
        if starts.isEmpty { return [] }
        guard starts.count <= Self.batchClaimLimit else {
            throw PostgresStateStoreError.invalidArgument("at most \(Self.batchClaimLimit) fires in one batch")
        }
        for start in starts {
            try Self.validate(start)
            guard start.scheduledFor != nil else {
                throw PostgresStateStoreError.invalidArgument(
                    "a manual run of \(start.job) cannot be claimed in a batch")
            }
        }
        guard Set(starts.map(\.job)).count == starts.count else {
            throw PostgresStateStoreError.invalidArgument("a batch of fires names a job twice")
        }
        let rows = try autocommit(Self.batchClaimSQL, try batchParameters(starts))
        guard rows.count == starts.count else {
            throw PostgresError(.decoding, "CLAIM of \(starts.count) fires returned \(rows.count) rows")
        }
        return try rows.map { try claimAnswer($0, manual: false) }
    }

    /// The thirteen parameters of `batchClaimSQL`: ten arrays (one element per fire), node,
    /// lease, and the eleventh array (queue).
    private func batchParameters(_ starts: [ExecutionStart]) throws -> [PostgresValue?] {
        let policies = starts.map { self.policies.policy(for: $0.job) }
        let fires = try starts.map { start -> String? in
            guard let fire = start.scheduledFor else { return nil }
            return try Self.timestamp(fire).text
        }
        let starteds = try starts.map { try recorded($0.startedAt)?.text }
        return [
            .text(Self.arrayLiteral(starts.map(\.job))), .text(Self.optionalArrayLiteral(fires)),
            .text(Self.arrayLiteral(starts.map { String($0.attempt) })),
            .text(Self.arrayLiteral(starts.map(\.triggeredBy.rawValue))),
            .text(Self.arrayLiteral(starts.map(\.host))), .text(Self.arrayLiteral(starts.map { String($0.pid) })),
            .text(Self.arrayLiteral(policies.map(\.digest))),
            .text(Self.arrayLiteral(policies.map { $0.exclusive ? "t" : "f" })),
            .text(Self.optionalArrayLiteral(starteds)), .text(Self.optionalArrayLiteral(starts.map(\.user))),
            .text(node.id), .int64(leaseMilliseconds),
            .text(Self.arrayLiteral(policies.map { $0.exclusive && $0.queue ? "t" : "f" })),
        ]
    }

    /// `arrayLiteral` with NULL elements: nil is an unquoted NULL (every value is quoted, so a
    /// text "NULL" stays text).
    static func optionalArrayLiteral(_ values: [String?]) -> String {
        let elements = values.map { value in value.map(arrayElement) ?? "NULL" }
        return "{" + elements.joined(separator: ",") + "}"
    }

    // PROTOCOL: CLAIM
    /// `claimSQL` over `unnest`: $1 jobs, $2 scheduled_at, $3 attempts, $4 triggered_by, $5 hosts,
    /// $6 pids, $7 digests, $8 exclusive, $9 recorded starts (NULL: now()), $10 users, $11 node,
    /// $12 lease (ms), $13 queue (`overlap=queue`). One answer row per fire, in the order given
    /// (`ord`). A batch names each job once, so two of its rows never queue the same job.
    static let batchClaimSQL = """
        WITH f AS (
          SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::integer[], $4::text[], $5::text[],
                               $6::integer[], $7::text[], $8::boolean[], $9::timestamptz[], $10::text[],
                               $13::boolean[])
                 WITH ORDINALITY AS f(job, fire, attempt, trig, host, pid, digest, excl, rec, usr, queue, ord)
        ), ctx AS (
          SELECT f.*, now() AS db_now, f.fire <= now() AS due,
                 EXISTS (SELECT 1 FROM jobctl_node_job nj JOIN jobctl_node n USING (node_id)
                         WHERE nj.job = f.job AND nj.digest <> f.digest AND n.stopped_at IS NULL
                           AND n.heartbeat_at > now() - \(milliseconds(liveHeartbeat)) * interval '1 millisecond'
                        ) AS disagree,
                 f.excl AND EXISTS (SELECT 1 FROM jobctl_execution l
                         WHERE l.job = f.job AND l.status = 'running' AND l.exclusive) AS blocked,
                 f.queue AND f.trig NOT IN ('manual', 'backfill') AND NOT EXISTS (SELECT 1 FROM jobctl_execution q
                         WHERE q.job = f.job AND q.status = 'queued') AS can_queue,
                 COALESCE(f.rec, \(recordedNowSQL)) AS started
          FROM f
        ), ins AS (
          INSERT INTO jobctl_execution AS e
                 (job, scheduled_at, attempt, triggered_by, triggered_user, status, exclusive, owner_node,
                  lease_until, config_digest, host, pid, started_at, lateness_ms, finished_at, error)
          SELECT job, fire, attempt, trig, usr,
                 CASE WHEN NOT blocked THEN 'running' WHEN can_queue THEN 'queued' ELSE 'skipped' END, excl,
                 CASE WHEN blocked THEN NULL ELSE $11::text END,
                 CASE WHEN blocked THEN NULL ELSE now() + $12::bigint * interval '1 millisecond' END,
                 digest, host, pid, started,
                 CASE WHEN NOT blocked AND trig IN ('schedule', 'catchup')
                      THEN jobctl_ms(started) - jobctl_ms(fire) END,
                 CASE WHEN blocked AND NOT can_queue THEN started END,
                 CASE WHEN blocked AND NOT can_queue THEN 'previous run still running (overlap=skip)' END
          FROM ctx WHERE due AND NOT disagree
          ORDER BY job
          ON CONFLICT DO NOTHING
          RETURNING e.id, e.status, e.job
        )
        SELECT c.ord, c.db_now, c.due, c.disagree, c.blocked, i.id, i.status,
               h.id AS held_id, h.status AS held_status, h.owner_node AS held_owner
        FROM ctx c
        LEFT JOIN ins i ON i.job = c.job
        LEFT JOIN jobctl_execution h
               ON i.id IS NULL AND h.job = c.job AND h.scheduled_at = c.fire AND h.attempt = c.attempt
              AND h.triggered_by <> 'manual'
        ORDER BY c.ord
        """
}
