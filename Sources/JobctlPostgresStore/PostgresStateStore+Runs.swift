import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// `FINISH`, `RENEW`, `REAP_ABANDON` and `REAP_RETRY` (docs/several-hosts.md §5.5, §5.7, §5.8). Every write
/// about a run is fenced: it matches the run's id (its token), this node as `owner_node`, and
/// `status = 'running'`; a run reaped meanwhile gets no write.
extension PostgresStateStore {
    /// `FINISH`: the run's final status, end, duration, metrics, error and output (its last 4 KiB).
    /// False, and nothing written, when the run is no longer this node's running run (reaped,
    /// finished, or another node's). The lease is not checked: before any reaper has acted, the
    /// owner's outcome is the truth. One autocommit round trip.
    @discardableResult
    public func finish(_ claim: RunClaim, _ end: ExecutionEnd) throws -> Bool {
        guard end.status != .running, end.status != .abandoned else {
            throw PostgresStateStoreError.invalidArgument("finish needs a final status, not \(end.status.rawValue)")
        }
        let parameters: [PostgresValue?] = [
            .int64(claim.token), .text(node.id), .text(end.status.rawValue), try recorded(end.finishedAt),
            end.metrics.map { .int64(Int64($0.processed)) },
            try end.metrics.map { .text(try PostgresExecutionRow.encode($0)) },
            end.error.map { .text(StoredText.clean($0)) }, end.output.map { .text(HistoryStore.tail(of: $0)) },
        ]
        return try autocommit(Self.finishSQL, parameters).count == 1
    }

    // PROTOCOL: FINISH
    static let finishSQL = """
        UPDATE jobctl_execution e
        SET status = $3::text, finished_at = f.t, lease_until = NULL,
            duration_ms = GREATEST(0, jobctl_ms(f.t) - jobctl_ms(e.started_at)),
            items_processed = $5::bigint, metrics = $6::text, error = $7::text, output = $8::text
        FROM (SELECT COALESCE($4::timestamptz, \(recordedNowSQL)) AS t) f
        WHERE e.id = $1::bigint AND e.owner_node = $2::text AND e.status = 'running'
        RETURNING e.id
        """

    /// `RENEW` of one run: extends its lease to the database's `now()` + the lease. False when
    /// the run is no longer this node's running run, or its lease has expired already (it may
    /// be reaped at any moment): the run must stop and write nothing more (`SELF_FENCE`).
    /// `now` is ignored: the database's clock decides.
    public func renew(_ claim: RunClaim, now: Date) throws -> Bool {
        try renew([claim]).contains(claim)
    }

    /// `RENEW` of all the node's running runs in one statement (one autocommit round trip);
    /// returns those renewed. Each one not returned is `SUPERSEDED`.
    public func renew(_ claims: [RunClaim]) throws -> Set<RunClaim> {
        if claims.isEmpty { return [] }
        let ids = "{" + claims.map { String($0.token) }.joined(separator: ",") + "}"
        let renewed = try autocommit(Self.renewSQL, [.text(ids), .text(node.id), .int64(leaseMilliseconds)])
            .compactMap { try $0.int64("id") }
        let tokens = Set(renewed)
        return Set(claims.filter { tokens.contains($0.token) })
    }

    // PROTOCOL: RENEW
    static let renewSQL = """
        UPDATE jobctl_execution SET lease_until = now() + $3::bigint * interval '1 millisecond'
        WHERE id = ANY($1::bigint[]) AND owner_node = $2::text AND status = 'running' AND lease_until > now()
        RETURNING id
        """

    /// The protocol's recovery is `REAP_ABANDON`: every run whose lease expired, whichever node
    /// held it, is marked `abandoned` (by any node: a dead node's runs never wait for it to
    /// come back). `isLockFree` is not asked: the lease is the liveness of a run, on every host.
    /// `now` is recorded as the end in `.caller` mode; expiry is the database's clock.
    public func recoverInterrupted(now: Date, isLockFree: (String) -> Bool) throws -> Int {
        var total = 0
        while true {
            let reaped = try reapAbandoned(now: now)
            total += reaped.count
            if reaped.count < Self.reapBatch { return total }
        }
    }

    /// Rows per `REAP_ABANDON` transaction.
    static let reapBatch = 100

    /// `REAP_ABANDON`: one batch of expired leases, `abandoned` (no duration: the real end is
    /// unknown), each with the node that stopped renewing. `SKIP LOCKED` keeps reapers off each
    /// other and off a renewal in flight; `FOR UPDATE` re-checks the expiry on the newest row
    /// version, so a renewal that committed first wins. Returns the runs reaped, for the log,
    /// the alert and `REAP_RETRY`.
    public func reapAbandoned(now: Date? = nil) throws -> [ReapedRun] {
        try reap(retrying: [:], now: now).abandoned
    }

    /// `REAP_ABANDON`, then `REAP_RETRY` in the same transaction: each reaped run of a job in
    /// `retryDigests` (the `on_lost=retry` jobs of this node's config, with their digests) whose
    /// digest is the same, that had a fire (not manual) and was attempt 1, is claimed again
    /// under a new token by this node, as attempt 2, `retry`. At most one retry per fire (the
    /// fire index), and none while another run of an exclusive job is live (the one-live index):
    /// that fire stays `abandoned`. The caller starts each retry.
    public func reap(retrying retryDigests: [String: String], now: Date? = nil) throws -> ReapOutcome {
        let recordedNow = try now.flatMap { try recorded($0) }
        return try Self.retryingDeadlocks {
            try transaction { tx in
                let lost = try tx.query(Self.reapSQL, [.int(Self.reapBatch), recordedNow]).map(ReapedRun.init(row:))
                var retries: [RetryClaim] = []
                for run in lost
                where retryDigests[run.job] == run.configDigest && run.triggeredBy != .manual
                    && run.attempt == 1 && run.scheduledAt != nil
                {
                    if let retry = try retryLost(tx, run, recordedNow: recordedNow) { retries.append(retry) }
                }
                return ReapOutcome(abandoned: lost, retries: retries)
            }
        }
    }

    // PROTOCOL: REAP_RETRY
    func retryLost(_ tx: PostgresConnection, _ run: ReapedRun, recordedNow: PostgresValue?) throws -> RetryClaim? {
        let row = try tx.query(
            """
            INSERT INTO jobctl_execution (job, scheduled_at, attempt, triggered_by, status, exclusive, owner_node,
                                          lease_until, config_digest, host, pid, started_at)
            SELECT r.job, r.scheduled_at, r.attempt + 1, 'retry', 'running', r.exclusive, $2::text,
                   now() + $3::bigint * interval '1 millisecond', r.config_digest, $4::text, $5::integer,
                   COALESCE($6::timestamptz, \(Self.recordedNowSQL))
            FROM jobctl_execution r WHERE r.id = $1::bigint
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            [
                .int64(run.runID), .text(node.id), .int64(leaseMilliseconds), .text(node.host), .int64(Int64(node.pid)),
                recordedNow,
            ]
        ).first
        guard let id = try row?.int64("id") else { return nil }
        return RetryClaim(
            claim: RunClaim(runID: id, token: id), job: run.job, scheduledAt: run.scheduledAt, attempt: run.attempt + 1,
            lostRunID: run.runID)
    }

    // PROTOCOL: REAP_ABANDON
    static let reapSQL = """
        WITH lost AS (
          SELECT id FROM jobctl_execution
          WHERE status = 'running' AND lease_until < now()
          ORDER BY lease_until LIMIT $1::integer
          FOR UPDATE SKIP LOCKED
        )
        UPDATE jobctl_execution e
        SET status = 'abandoned', lease_until = NULL,
            finished_at = GREATEST(COALESCE($2::timestamptz, \(recordedNowSQL)), e.started_at),
            error = 'lease expired: node ' || e.owner_node || ' stopped renewing'
        FROM lost WHERE e.id = lost.id
        RETURNING e.id, e.job, jobctl_ms(e.scheduled_at) AS scheduled_ms, e.attempt, e.triggered_by, e.exclusive,
                  e.config_digest, e.owner_node
        """

    /// Runs `body` again (up to 3 times) when PostgreSQL chose it as a deadlock's victim: a
    /// statement over several jobs' rows (reaping, pruning) can take two jobs' summary rows in
    /// the opposite order of another.
    static func retryingDeadlocks<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as PostgresError where error.isSerializationFailure && attempt < 3 {
                attempt += 1
            }
        }
    }
}
