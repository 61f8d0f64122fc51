import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// Failure hooks' runs and the fire ledger of `jobctl backfill` (issue 12) on PostgreSQL, with
/// the semantics of SQLite's `HistoryStore+HookRuns.swift` ("pg v4").
extension PostgresStateStore {
    public func beginHookRun(_ start: HookRunStart) throws -> Int64 {
        let parameters: [PostgresValue?] = [
            .int64(start.runID), .text(start.job), .text(start.event.rawValue), try recorded(start.startedAt),
            .text(start.host), .int(Int(start.pid)),
        ]
        return try transaction { tx in
            guard
                let id = try tx.query(
                    """
                    INSERT INTO jobctl_hook_run (run_id, job, event, status, started_at, host, pid)
                    VALUES ($1::bigint, $2::text, $3::text, 'running',
                            COALESCE($4::timestamptz, \(Self.recordedNowSQL)), $5::text, $6::integer)
                    RETURNING id
                    """, parameters
                ).first?.int64("id")
            else { throw PostgresStateStoreError.invalidArgument("the hook run of \(start.job) was not recorded") }
            return id
        }
    }

    @discardableResult
    public func finishHookRun(id: Int64, _ end: HookRunEnd) throws -> Bool {
        guard end.status != .running else {
            throw PostgresStateStoreError.invalidArgument("finishHookRun needs a final status, not running")
        }
        let output = end.output.map { HistoryStore.tail(of: $0, limit: HistoryStore.hookOutputLimitBytes) }
        let parameters: [PostgresValue?] = [
            .int64(id), .text(end.status.rawValue), try recorded(end.finishedAt), end.exitCode.map(PostgresValue.int),
            end.error.map { .text(StoredText.clean($0)) }, output.map(PostgresValue.text),
        ]
        return try transaction { tx in
            try tx.query(
                """
                UPDATE jobctl_hook_run h
                SET status = $2::text, finished_at = GREATEST(f.t, h.started_at),
                    duration_ms = GREATEST(0, jobctl_ms(f.t) - jobctl_ms(h.started_at)),
                    exit_code = $4::integer, error = $5::text, output = $6::text
                FROM (SELECT COALESCE($3::timestamptz, \(Self.recordedNowSQL)) AS t) f
                WHERE h.id = $1::bigint AND h.status = 'running'
                RETURNING h.id
                """, parameters
            ).count == 1
        }
    }

    public func hookRuns(runID: Int64) throws -> [HookRunRecord] {
        try transaction { tx in
            try tx.query(
                "SELECT \(Self.hookColumns) FROM jobctl_hook_run WHERE run_id = $1::bigint ORDER BY started_at, id",
                [.int64(runID)]
            ).map(Self.hookRun)
        }
    }

    public func latestHookRun(job: String, event: HookEvent) throws -> HookRunRecord? {
        try transaction { tx in
            try tx.query(
                """
                SELECT \(Self.hookColumns) FROM jobctl_hook_run WHERE job = $1::text AND event = $2::text
                ORDER BY started_at DESC, id DESC LIMIT 1
                """, [.text(job), .text(event.rawValue)]
            ).first.map(Self.hookRun)
        }
    }

    /// Hook rows left `running` by a process that died (`isDead(host, pid)`): `interrupted`.
    public func recoverHookRuns(now: Date, isDead: (String, Int32) -> Bool) throws -> Int {
        let running = try transaction { tx in
            try tx.query("SELECT id, host, pid FROM jobctl_hook_run WHERE status = 'running'").compactMap {
                row -> (Int64, String, Int32)? in
                guard let id = try row.int64("id"), let host = try row.string("host"), let pid = try row.int("pid")
                else { return nil }
                return (id, host, Int32(truncatingIfNeeded: pid))
            }
        }
        let dead = running.filter { isDead($0.1, $0.2) }
        if dead.isEmpty { return 0 }
        let recordedNow = try recorded(now)
        return try transaction { tx in
            var count = 0
            for (id, host, pid) in dead {
                count += try tx.execute(
                    """
                    UPDATE jobctl_hook_run
                    SET status = 'interrupted', error = $2::text,
                        finished_at = GREATEST(COALESCE($3::timestamptz, \(Self.recordedNowSQL)), started_at)
                    WHERE id = $1::bigint AND status = 'running'
                    """, [.int64(id), .text("process \(pid) on \(host) died"), recordedNow])
            }
            return count
        }
    }

    public func recordedFires(job: String, after: Date, through: Date) throws -> [RecordedFire] {
        let parameters: [PostgresValue?] = [.text(job), try Self.timestamp(after), try Self.timestamp(through)]
        return try transaction { tx in
            try tx.query(
                """
                SELECT jobctl_ms(scheduled_at) AS fire, max(attempt) AS last_attempt,
                       bool_or(status = 'succeeded') AS succeeded
                FROM jobctl_execution
                WHERE job = $1::text AND scheduled_at IS NOT NULL AND triggered_by <> 'manual'
                  AND scheduled_at > $2::timestamptz AND scheduled_at <= $3::timestamptz
                GROUP BY scheduled_at ORDER BY scheduled_at
                """, parameters
            ).map { row in
                guard let fire = try row.int64("fire"), let attempt = try row.int("last_attempt") else {
                    throw PostgresStateStoreError.invalidArgument("a recorded fire of \(job) lacks its time or attempt")
                }
                return RecordedFire(
                    scheduledAt: HistoryTime.date(milliseconds: fire), lastAttempt: attempt,
                    succeeded: try row.bool("succeeded") ?? false)
            }
        }
    }

    static let hookColumns = """
        id, run_id, job, event, status, jobctl_ms(started_at) AS started_ms, jobctl_ms(finished_at) AS finished_ms,
        duration_ms, exit_code, error, output, host, pid
        """

    static func hookRun(_ row: PostgresRow) throws -> HookRunRecord {
        guard let id = try row.int64("id"), let runID = try row.int64("run_id"), let job = try row.string("job"),
            let event = try row.string("event").flatMap(HookEvent.init(rawValue:)),
            let status = try row.string("status").flatMap(HookRunStatus.init(rawValue:)),
            let started = try row.int64("started_ms"), let host = try row.string("host"), let pid = try row.int("pid")
        else { throw PostgresStateStoreError.invalidArgument("a jobctl_hook_run row is incomplete or unknown") }
        return HookRunRecord(
            id: id, runID: runID, job: job, event: event, status: status,
            startedAt: HistoryTime.date(milliseconds: started),
            finishedAt: try row.int64("finished_ms").map(HistoryTime.date(milliseconds:)),
            durationMs: try row.int64("duration_ms"), exitCode: try row.int("exit_code"),
            error: try row.string("error"),
            output: try row.string("output"), host: host, pid: Int32(truncatingIfNeeded: pid))
    }
}
