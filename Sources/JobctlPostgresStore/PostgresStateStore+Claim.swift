import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// `CLAIM` and `CLAIM_MANUAL` (docs/several-hosts.md §5.3), and the protocol's `claim` and
/// `claimSkipped` on top of them.
extension PostgresStateStore {
    /// How many `RACE` answers in a row `claim(_:)` tolerates before it throws.
    static let raceRetries = 5

    /// `CLAIM` (a fire: `start.scheduledFor` set) or `CLAIM_MANUAL` (none): one statement that
    /// inserts the run only when the fire is due by the database's clock, no live node
    /// disagrees about the job's definition, and (for an exclusive job) no run of it is live —
    /// otherwise, for a fire, a `skipped` row, or with `overlap=queue` a `queued` one when the
    /// job has none yet. `ON CONFLICT DO NOTHING` covers the three unique indexes: the fire's
    /// (`_fire`), the one live run of an exclusive job (`_one_live`) and its one queued fire
    /// (`_one_queued`: a concurrent claim queued first, so this one is a `RACE`, then `SKIPPED`).
    /// One autocommit round trip (`autocommit`).
    public func claimFire(_ start: ExecutionStart, policy: JobClaimPolicy) throws -> ClaimAnswer {
        try Self.validate(start)
        let parameters: [PostgresValue?] = [
            .text(start.job), try start.scheduledFor.map(Self.timestamp), .text(node.id), .int64(leaseMilliseconds),
            .text(policy.digest), .bool(policy.exclusive), .text(start.triggeredBy.rawValue), .text(start.host),
            .int64(Int64(start.pid)), .int(start.attempt), start.user.map(PostgresValue.text),
            try recorded(start.startedAt), .bool(policy.exclusive && policy.queue),
        ]
        let row = try autocommit(Self.claimSQL, parameters).first
        guard let row else { throw PostgresError(.decoding, "CLAIM returned no row") }
        return try claimAnswer(row, manual: start.scheduledFor == nil)
    }

    /// `CLAIM_RESULT`, in the design's order.
    func claimAnswer(_ row: PostgresRow, manual: Bool) throws -> ClaimAnswer {
        guard let now = try row.date("db_now") else { throw PostgresError(.decoding, "CLAIM returned no db_now") }
        let answer = { (outcome: ClaimOutcome) in ClaimAnswer(outcome: outcome, databaseNow: now) }
        if let id = try row.int64("id") {
            let claim = RunClaim(runID: id, token: id)
            switch try row.string("status") {
            case "running": return answer(.claimed(claim))
            case "queued": return answer(.queued(runID: id))
            default: return answer(.skipped(runID: id))
            }
        }
        if try row.bool("due") != true { return answer(.notDue) }
        if try row.bool("disagree") == true { return answer(.refused) }
        if manual, try row.bool("blocked") == true { return answer(.blocked) }
        if let held = try row.int64("held_id") {
            if try row.string("held_owner") == node.id, try row.string("held_status") == "running" {
                return answer(.adopt(RunClaim(runID: held, token: held)))
            }
            return answer(.taken(runID: held))
        }
        return answer(.race)
    }

    // PROTOCOL: CLAIM, CLAIM_MANUAL
    /// $1 job, $2 scheduled_at (NULL: manual), $3 node, $4 lease (ms), $5 digest, $6 exclusive,
    /// $7 triggered_by, $8 host, $9 pid, $10 attempt, $11 user, $12 recorded start (NULL: now()),
    /// $13 queue (`overlap=queue`: a blocked fire of the schedule is `queued` when the job has
    /// none yet; a manual run or a backfill never waits, as on one host, where both are refused
    /// or skipped while the job runs).
    /// Pause (`jobctl_pause`) is not part of it yet: issue 12 ports it. A `queued` row has no
    /// owner, lease, end or lateness: `DEQUEUE` sets them when it starts.
    static let claimSQL = """
        WITH ctx AS (
          SELECT now() AS db_now,
                 ($2::timestamptz IS NULL OR $2::timestamptz <= now()) AS due,
                 EXISTS (SELECT 1 FROM jobctl_node_job nj JOIN jobctl_node n USING (node_id)
                         WHERE nj.job = $1::text AND nj.digest <> $5::text AND n.stopped_at IS NULL
                           AND n.heartbeat_at > now() - \(milliseconds(liveHeartbeat)) * interval '1 millisecond'
                        ) AS disagree,
                 $6::boolean AND EXISTS (SELECT 1 FROM jobctl_execution l
                         WHERE l.job = $1::text AND l.status = 'running' AND l.exclusive) AS blocked,
                 $13::boolean AND $7::text NOT IN ('manual', 'backfill')
                   AND NOT EXISTS (SELECT 1 FROM jobctl_execution q
                                   WHERE q.job = $1::text AND q.status = 'queued') AS can_queue,
                 COALESCE($12::timestamptz, \(recordedNowSQL)) AS started
        ), ins AS (
          INSERT INTO jobctl_execution AS e
                 (job, scheduled_at, attempt, triggered_by, triggered_user, status, exclusive, owner_node,
                  lease_until, config_digest, host, pid, started_at, lateness_ms, finished_at, error)
          SELECT $1::text, $2::timestamptz, $10::integer, $7::text, $11::text,
                 CASE WHEN NOT blocked THEN 'running' WHEN can_queue THEN 'queued' ELSE 'skipped' END, $6::boolean,
                 CASE WHEN blocked THEN NULL ELSE $3::text END,
                 CASE WHEN blocked THEN NULL ELSE now() + $4::bigint * interval '1 millisecond' END,
                 $5::text, $8::text, $9::integer, started,
                 CASE WHEN NOT blocked AND $7::text IN ('schedule', 'catchup')
                      THEN jobctl_ms(started) - jobctl_ms($2::timestamptz) END,
                 CASE WHEN blocked AND NOT can_queue THEN started END,
                 CASE WHEN blocked AND NOT can_queue THEN 'previous run still running (overlap=skip)' END
          FROM ctx WHERE due AND NOT disagree AND ($2::timestamptz IS NOT NULL OR NOT blocked)
          ON CONFLICT DO NOTHING
          RETURNING e.id, e.status
        )
        SELECT c.db_now, c.due, c.disagree, c.blocked, i.id, i.status,
               h.id AS held_id, h.status AS held_status, h.owner_node AS held_owner
        FROM ctx c
        LEFT JOIN ins i ON true
        LEFT JOIN jobctl_execution h
               ON i.id IS NULL AND $2::timestamptz IS NOT NULL AND h.job = $1::text
              AND h.scheduled_at = $2::timestamptz AND h.attempt = $10::integer AND h.triggered_by <> 'manual'
        """

    /// The protocol's claim: `CLAIM` with the job's policy (`setJobPolicies`). A running row →
    /// `.claimed`; a fire held by anyone (this node's own lost claim included: through the
    /// protocol a second claim of one fire is refused, whoever makes it), or recorded `skipped`
    /// or `queued` by overlap (the fire is recorded: the node moves on; `DEQUEUE` starts a
    /// queued one), or a manual run blocked by a live one → `.alreadyClaimed`. A fire not due by
    /// the database's clock throws `.notDue`, a definition other live nodes disagree with
    /// `.refused`: neither is "taken".
    public func claim(_ start: ExecutionStart) throws -> FireClaim {
        for _ in 0..<Self.raceRetries {
            let answer = try claimFire(start, policy: policies.policy(for: start.job))
            if let settled = answer.outcome.settled { return settled }
            switch answer.outcome {
            case .notDue:
                let now = answer.databaseNow
                throw PostgresStateStoreError.notDue(
                    job: start.job, fire: start.scheduledFor?.date ?? now, databaseNow: now)
            case .refused: throw PostgresStateStoreError.refused(job: start.job)
            default: continue  // RACE: claim again at once
            }
        }
        throw PostgresStateStoreError.claimRace(job: start.job)
    }

    /// Records a fire that did not run as a finished `skipped` row with `reason` (no owner, no
    /// lease, no duration, no lateness), consuming the fire like `claim`. A fire not yet due
    /// by the database's clock is not recorded (`.notDue`), as it could not be claimed either.
    public func claimSkipped(_ start: ExecutionStart, reason: String) throws -> FireClaim {
        try Self.validate(start)
        let parameters: [PostgresValue?] = [
            .text(start.job), try start.scheduledFor.map(Self.timestamp), .int(start.attempt),
            .text(start.triggeredBy.rawValue), start.user.map(PostgresValue.text), .text(start.host),
            .int64(Int64(start.pid)), .text(reason), try recorded(start.startedAt),
            .text(policies.policy(for: start.job).digest), .bool(policies.policy(for: start.job).exclusive),
        ]
        let row = try autocommit(Self.skipSQL, parameters).first
        guard let row, let now = try row.date("db_now") else { throw PostgresError(.decoding, "no db_now") }
        if let id = try row.int64("id") { return .claimed(RunClaim(runID: id, token: id)) }
        if try row.bool("due") != true {
            throw PostgresStateStoreError.notDue(
                job: start.job, fire: start.scheduledFor?.date ?? now, databaseNow: now)
        }
        return .alreadyClaimed
    }

    /// $1 job, $2 scheduled_at, $3 attempt, $4 triggered_by, $5 user, $6 host, $7 pid,
    /// $8 reason, $9 recorded instant (NULL: now()), $10 digest, $11 exclusive.
    static let skipSQL = """
        WITH ctx AS (
          SELECT now() AS db_now, ($2::timestamptz IS NULL OR $2::timestamptz <= now()) AS due,
                 COALESCE($9::timestamptz, \(recordedNowSQL)) AS started
        ), ins AS (
          INSERT INTO jobctl_execution AS e
                 (job, scheduled_at, attempt, triggered_by, triggered_user, status, exclusive, config_digest,
                  host, pid, started_at, finished_at, error)
          SELECT $1::text, $2::timestamptz, $3::integer, $4::text, $5::text, 'skipped', $11::boolean, $10::text,
                 $6::text, $7::integer, started, started, $8::text
          FROM ctx WHERE due
          ON CONFLICT DO NOTHING
          RETURNING e.id
        )
        SELECT c.db_now, c.due, i.id FROM ctx c LEFT JOIN ins i ON true
        """

    /// Runs one statement in a transaction of its own in one round trip
    /// (`PostgresConnection.autocommit`, the timeouts included) on a connection of the pool:
    /// a claim, skip, finish or renew is one statement, and BEGIN and COMMIT around it were two
    /// more round trips for nothing (docs/benchmarks.md, "PostgreSQL").
    func autocommit(_ sql: String, _ parameters: [PostgresValue?]) throws -> [PostgresRow] {
        try pool.with { try $0.autocommit(sql, parameters) }
    }

    static func validate(_ start: ExecutionStart) throws {
        guard start.attempt >= 1, start.attempt <= Int(Int32.max) else {
            throw PostgresStateStoreError.invalidArgument("attempt must be at least 1, got \(start.attempt)")
        }
        if start.triggeredBy == .schedule || start.triggeredBy == .catchup, start.scheduledFor == nil {
            throw PostgresStateStoreError.invalidArgument(
                "a \(start.triggeredBy.rawValue) run of \(start.job) needs its fire time")
        }
        if start.triggeredBy == .manual, start.scheduledFor != nil {
            throw PostgresStateStoreError.invalidArgument("a manual run of \(start.job) has no fire time")
        }
    }
}
