import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `jobctl backfill` through the real binary: what runs, its environment and rows, the exit
/// codes, and bad input that writes nothing.
@Suite(.serialized) struct BackfillBinaryTests {
    /// An hourly job that records each fire it runs and fails the 11:00 one.
    static let hourly =
        #"0 * * * * hourly command="echo $JOBCTL_SCHEDULED_AT >> ran.txt; case $JOBCTL_SCHEDULED_AT in *T11:*) exit 1;; esac""#

    func setUp(_ jobs: String = hourly) throws -> (URL, URL) {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try "TZ=UTC\n\(jobs)\n".write(to: config, atomically: true, encoding: .utf8)
        return (dir, config)
    }

    func backfill(_ config: URL, _ arguments: [String], in dir: URL) throws -> Binary.Result {
        try Binary.run(["backfill", "--config", config.path] + arguments, currentDirectory: dir.path)
    }

    struct Run: Sendable, Equatable {
        var scheduledAt: String
        var attempt: Int
        var status: String
        var trigger: String
    }

    func runs(_ dir: URL) throws -> [Run] {
        let path = dir.appendingPathComponent("jobctl.db").path
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT strftime('%H:%M', scheduled_at / 1000, 'unixepoch') AS fire, attempt, status, triggered_by
                    FROM job_executions ORDER BY id
                    """
            ).map {
                Run(
                    scheduledAt: $0["fire"] ?? "-", attempt: $0["attempt"], status: $0["status"],
                    trigger: $0["triggered_by"])
            }
        }
    }

    @Test func backfillRunsEachFireOnceAsBackfillAndExitsOneWhenAnyFailed() throws {
        let (dir, config) = try setUp()
        let range = ["hourly", "--from", "2026-01-05T10:00:00Z", "--to", "2026-01-05T12:00:00Z"]
        let first = try backfill(config, range, in: dir)
        #expect(first.status == 1, "\(first.stderr)")
        #expect(
            first.stdout
                == """
                2026-01-05T11:00:00+00:00  attempt 1  failed  run 1
                2026-01-05T12:00:00+00:00  attempt 1  succeeded  run 2
                backfill of job 'hourly': 1 of 2 fires succeeded

                """)
        #expect(
            (try? String(contentsOf: dir.appendingPathComponent("ran.txt"), encoding: .utf8))
                == "2026-01-05T11:00:00+00:00\n2026-01-05T12:00:00+00:00\n")
        // Again: only the failed fire runs, as its second attempt.
        let second = try backfill(config, range, in: dir)
        #expect(second.status == 1)
        #expect(second.stdout.hasPrefix("2026-01-05T11:00:00+00:00  attempt 2  failed  run 3\n"), "\(second.stdout)")
        #expect(
            try runs(dir) == [
                Run(scheduledAt: "11:00", attempt: 1, status: "failed", trigger: "backfill"),
                Run(scheduledAt: "12:00", attempt: 1, status: "succeeded", trigger: "backfill"),
                Run(scheduledAt: "11:00", attempt: 2, status: "failed", trigger: "backfill"),
            ])
    }

    @Test func backfillExitsZeroWhenEveryFireSucceedsAndWhenNothingIsLeft() throws {
        let (dir, config) = try setUp()
        let range = ["hourly", "--from", "2026-01-05T11:00:00Z", "--to", "2026-01-05T13:00:00Z"]
        let first = try backfill(config, range, in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasSuffix("backfill of job 'hourly': 2 of 2 fires succeeded\n"))
        let again = try backfill(config, range, in: dir)
        #expect(again.status == 0)
        #expect(again.stdout == "nothing to backfill: all 2 fires of job 'hourly' in the range succeeded\n")
        #expect(try runs(dir).count == 2)
    }

    @Test func aDryRunListsTheFiresAndWritesNothing() throws {
        let (dir, config) = try setUp()
        let result = try backfill(
            config, ["hourly", "--from", "2026-01-05T09:30:00", "--to", "2026-01-05T11:00:00Z", "--dry-run"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout
                == """
                2026-01-05T10:00:00+00:00  attempt 1  (never recorded)
                2026-01-05T11:00:00+00:00  attempt 1  (never recorded)
                would run 2 fires of job 'hourly'

                """)
        #expect(try runs(dir).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ran.txt").path))
    }

    /// The job is running (a `jobctl trigger` holds its lock): the fire is recorded `skipped`
    /// with the holder and the backfill stops, exit 75.
    @Test func backfillWhileTheJobRunsExits75() throws {
        let (dir, config) = try setUp(#"0 * * * * slow command="[ -n \"$JOBCTL_SCHEDULED_AT\" ] || sleep 30""#)
        let trigger = try Binary.start(["trigger", "slow", "--config", config.path])
        defer {
            kill(trigger.0.processIdentifier, SIGTERM)
            _ = Binary.finish(trigger)
        }
        #expect(Poll.until { ((try? runs(dir)) ?? []).first?.status == "running" })
        let result = try backfill(
            config, ["slow", "--from", "2026-01-05T10:00:00Z", "--to", "2026-01-05T12:00:00Z"], in: dir)
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stdout.contains("2026-01-05T11:00:00+00:00  attempt 1  skipped: the job is running (pid "))
        #expect(result.stdout.contains("stopped: the job is running, 2 not run"), "\(result.stdout)")
        let backfills = try runs(dir).filter { $0.trigger == "backfill" }
        #expect(backfills == [Run(scheduledAt: "11:00", attempt: 1, status: "skipped", trigger: "backfill")])
    }

    @Test(arguments: [
        (["nosuch", "--from", "2026-01-05T10:00:00Z", "--to", "2026-01-05T12:00:00Z"], "unknown job 'nosuch'"),
        (["hourly", "--from", "2026-01-05T12:00:00Z", "--to", "2026-01-05T10:00:00Z"], "is not before --to"),
        (["yearly", "--from", "2026-01-05T10:00:00Z", "--to", "2026-01-05T12:00:00Z"], "has no fire in"),
        (["hourly", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-05T12:00:00Z", "--max", "5"], "more than 5"),
        (["hourly", "--from", "yesterday", "--to", "2026-01-05T12:00:00Z"], "invalid timestamp 'yesterday'"),
        (
            ["hourly", "--from", "2026-01-05T10:00:00Z", "--to", "2999-01-05T12:00:00Z"],
            "backfill runs past fires only"
        ),
        (["hourly", "--from", "2026-01-05T10:00:00Z", "--to", "2026-01-05T12:00:00Z", "--max", "0"], "--max"),
        (["boot", "--from", "2026-01-05T10:00:00Z", "--to", "2026-01-05T12:00:00Z"], "runs @reboot"),
    ])
    func badBackfillInputIsOneLineExitTwoAndWritesNothing(arguments: [String], message: String) throws {
        let (dir, config) = try setUp(Self.hourly + "\n@yearly yearly command=\"true\"\n@reboot boot command=\"true\"")
        let result = try backfill(config, arguments, in: dir)
        #expect(result.status == 2, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("jobctl: error: ") == true, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try runs(dir).isEmpty)
    }
}
