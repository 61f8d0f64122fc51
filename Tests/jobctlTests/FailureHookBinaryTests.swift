import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Failure hooks through the real binary and real processes (issue 12): what a hook sees, that
/// it runs without the job's lock and off the scheduler's path, and that a hung one is killed at
/// its limit and recorded.
@Suite(.serialized) struct FailureHookBinaryTests {
    struct HookRow: Sendable {
        var runID: Int64
        var event: String
        var status: String
        var startedAt: Int64
        var durationMs: Int64?
        var exitCode: Int64?
        var error: String?
    }

    static func hookRows(_ dir: URL) throws -> [HookRow] {
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("jobctl.db").path)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM hook_runs ORDER BY id").map {
                HookRow(
                    runID: $0["run_id"], event: $0["event"], status: $0["status"], startedAt: $0["started_at"],
                    durationMs: $0["duration_ms"], exitCode: $0["exit_code"], error: $0["error"])
            }
        }
    }

    func setUp(_ jobs: String) throws -> (URL, URL) {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try "TZ=UTC\n\(jobs)\n".write(to: config, atomically: true, encoding: .utf8)
        return (dir, config)
    }

    func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// The hook gets the run's facts and the allow-listed environment plus `env=`, never the
    /// scheduler's token or other variables; `jobctl trigger` waits for it before exiting.
    @Test func theHookSeesItsRunAndNoSecretOfTheScheduler() throws {
        let (dir, config) = try setUp(
            #"@daily flaky command="echo 'line one'; printf 'broken\033[31m\nsecond' >&2; exit 4" env=WEBHOOK_URL on_failure="env > hook-env.txt""#
        )
        let result = try Binary.run(
            ["trigger", "flaky", "--config", config.path],
            environment: [
                "JOBCTL_HTTP_TOKEN": "secret-token-0123456789", "WEBHOOK_URL": "https://chat.example/hook",
                "UNLISTED": "nope",
            ], currentDirectory: dir.path)
        #expect(result.status == 1, "\(result.stderr)")
        let environment = text(dir.appendingPathComponent("hook-env.txt"))
        let lines = Set(environment.split(separator: "\n").map(String.init))
        let host = try historyHost(dir)
        for expected in [
            "JOBCTL_JOB=flaky", "JOBCTL_RUN_ID=1", "JOBCTL_STATUS=failed", "JOBCTL_ERROR=exit status 4",
            "JOBCTL_CONSECUTIVE_FAILURES=1", "JOBCTL_HOST=\(host)", "WEBHOOK_URL=https://chat.example/hook",
        ] {
            #expect(lines.contains(expected), "\(expected) missing from:\n\(environment)")
        }
        #expect(!environment.contains("secret-token"))
        #expect(!environment.contains("UNLISTED") && !environment.contains("JOBCTL_SCHEDULED_AT"))
        #expect(lines.contains { $0.hasPrefix("PATH=") })
        let hooks = try Self.hookRows(dir)
        #expect(hooks.map(\.event) == ["failure"] && hooks.map(\.status) == ["succeeded"])
        #expect(hooks.first?.exitCode == 0 && hooks.first?.durationMs != nil && hooks.first?.runID == 1)
        #expect(result.stderr.contains("Hook succeeded"), "\(result.stderr)")
    }

    /// A hook that hangs (and whose child does) is ended at `hook_timeout` with its whole process
    /// group, recorded `timed_out`, and logged as a warning.
    @Test func aHangingHookIsKilledAtItsLimitAndRecordedTimedOut() throws {
        let marker = "jobctl-hook-\(UUID().uuidString.prefix(8))"
        let (dir, config) = try setUp(
            #"@daily broken command="exit 1" hook_timeout=1s on_failure="sh -c 'sleep 60; :' \#(marker) & sleep 60""#)
        let started = Date()
        let result = try Binary.run(["trigger", "broken", "--config", config.path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "trigger waited for the hung hook past its limit")
        let hooks = try Self.hookRows(dir)
        #expect(hooks.map(\.status) == ["timed_out"])
        #expect(hooks.first?.error?.hasPrefix("timed out after 1s") == true)
        #expect(hooks.first?.exitCode == nil)
        #expect(LiveProcesses.withArgument(marker).isEmpty, "a process of the hook survived its limit")
        #expect(result.stderr.contains("Hook timed out"), "\(result.stderr)")
    }

    /// A hook that exits non-zero is logged as a warning and recorded with its exit status.
    @Test func aFailingHookIsLoggedAndRecordedWithItsExitStatus() throws {
        let (dir, config) = try setUp(#"@daily broken command="exit 1" on_failure="echo 'webhook said no'; exit 22""#)
        let result = try Binary.run(["trigger", "broken", "--config", config.path])
        #expect(result.status == 1)
        let hooks = try Self.hookRows(dir)
        #expect(hooks.map(\.status) == ["failed"] && hooks.first?.exitCode == 22)
        #expect(hooks.first?.error == "exit status 22")
        #expect(result.stderr.contains("warning [broken] Hook failed"), "\(result.stderr)")
        #expect(result.stderr.contains("on_failure: webhook said no"), "\(result.stderr)")
    }

    /// The job's lock is released before its hook starts, and the hook does not inherit it: a
    /// hook may take the lock itself (run the job again, say).
    @Test func theJobsLockIsFreeWhileItsHookRuns() throws {
        let (dir, config) = try setUp(
            #"@daily locked command="exit 1" on_failure="flock -n locked.lock true && echo free > lock.txt || echo held > lock.txt""#
        )
        let result = try Binary.run(["trigger", "locked", "--config", config.path], currentDirectory: dir.path)
        #expect(result.status == 1)
        #expect(text(dir.appendingPathComponent("lock.txt")) == "free\n")
    }

    /// A hook still running does not make the job's next fires `skipped` nor delay them: a
    /// `* * * * * *` job keeps running (and failing, once alerted) under a 30-second hook. On
    /// shutdown with `--grace 0` the hook gets 5 s, then is ended and recorded `interrupted`.
    @Test func aSlowHookNeitherSkipsNorDelaysTheJobsNextFires() throws {
        let (dir, config) = try setUp(#"* * * * * * tick command="exit 1" hook_timeout=60s on_failure="sleep 30""#)
        let daemon = try Daemon(["run", "--config", config.path, "--grace", "0"], directory: dir)
        let db = dir.appendingPathComponent("jobctl.db").path
        #expect(
            Poll.until(timeout: 60) { ((try? historyRows(db)) ?? []).filter { $0.status == "failed" }.count >= 5 },
            "\(daemon.output)")
        #expect(daemon.stop(timeout: 60) == 0, "\(daemon.output)")
        let rows = try historyRows(db)
        #expect(rows.allSatisfy { $0.status == "failed" }, "\(rows.map(\.status))")
        let hooks = try Self.hookRows(dir)
        #expect(hooks.count == 1, "the streak alerted more than once")
        #expect(hooks.first?.status == "interrupted")
        // Four runs started after the hook did, while it slept.
        #expect(rows.filter { $0.startedAt > hooks.first?.startedAt ?? .max }.count >= 4)
        #expect(daemon.output.contains("Waiting up to"), "\(daemon.output)")
    }

    func historyHost(_ dir: URL) throws -> String {
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("jobctl.db").path)
        return try queue.read { db in try String.fetchOne(db, sql: "SELECT host FROM job_executions") ?? "" }
    }
}
