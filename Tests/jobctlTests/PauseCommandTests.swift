import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `jobctl pause` / `resume` through the real binary, against a real `jobctl run` (issue 12).
@Suite(.serialized) struct PauseCommandTests {
    /// A private directory with `jobs.conf` (TZ=UTC and `jobs`).
    static func setUp(_ jobs: String) throws -> (dir: URL, config: String, db: String) {
        let dir = try Binary.temporaryDirectory()
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
        let config = dir.appendingPathComponent("jobs.conf").path
        try "TZ=UTC\n\(jobs)\n".write(toFile: config, atomically: true, encoding: .utf8)
        return (dir, config, dir.appendingPathComponent("jobctl.db").path)
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Polls the history until `condition` holds on its rows (a hang guard, not a timing claim).
    static func waitForRows(_ db: String, timeout: TimeInterval = 30, _ condition: ([Row_]) -> Bool) throws -> [Row_] {
        let end = Date().addingTimeInterval(timeout)
        var rows: [Row_] = []
        while Date() < end {
            rows = (try? historyRows(db)) ?? []
            if condition(rows) { return rows }
            usleep(100_000)
        }
        return rows
    }

    @Test func aPauseWhileRunIsRunningSkipsEveryLaterFireWithoutASighupAndResumeRunsThemAgain() throws {
        let (dir, config, db) = try Self.setUp(#"* * * * * * tick command="true""#)
        defer { try? FileManager.default.removeItem(at: dir) }
        let daemon = try Daemon(["run", "--config", config], directory: dir)
        defer { daemon.stop() }
        _ = try Self.waitForRows(db) { $0.filter { $0.status == "succeeded" }.count >= 2 }

        let pause = try Binary.run(["pause", "tick", "--config", config, "--note", "pool 7 paid twice"])
        let pausedAt = Self.nowMs()
        #expect(pause.status == 0, "\(pause.stderr)")
        #expect(pause.stdout.contains("job 'tick' paused by"))
        // Every fire scheduled after `pause` returned is recorded skipped, the first one at most
        // a second later (an every-second job): the scheduler read the pause at the fire.
        let paused = try Self.waitForRows(db) { rows in
            rows.filter { ($0.scheduledAt ?? 0) >= pausedAt }.count >= 3
        }.filter { ($0.scheduledAt ?? 0) >= pausedAt }
        #expect(paused.count >= 3, "\(daemon.output)")
        #expect(paused.allSatisfy { $0.status == "skipped" }, "\(paused.map(\.status))")
        #expect(
            paused.allSatisfy {
                $0.error?.hasPrefix("paused by ") == true && $0.error?.hasSuffix(": pool 7 paid twice") == true
            })
        #expect((paused.first?.scheduledAt ?? .max) - pausedAt < 1000)
        #expect(!daemon.output.contains("Config reload"))

        // list and stats show it while the scheduler runs.
        let list = try Binary.run(["list", "--config", config])
        #expect(list.status == 0)
        #expect(
            list.stdout.contains(#"paused: tick by "#) && list.stdout.contains(": pool 7 paid twice"), "\(list.stdout)")
        #expect(list.stdout.split(separator: "\n").contains { $0.hasPrefix("tick ") && $0.contains(" paused ") })
        let stats = try Binary.run(["stats", "--config", config, "--json"])
        let pauses = try #require(try Self.object(stats.stdout)["pauses"] as? [[String: Any]])
        #expect(pauses.count == 1 && pauses[0]["job"] as? String == "tick")
        #expect(pauses[0]["note"] as? String == "pool 7 paid twice")

        let resume = try Binary.run(["resume", "tick", "--config", config])
        let resumedAt = Self.nowMs()
        #expect(resume.status == 0, "\(resume.stderr)")
        let after = try Self.waitForRows(db) { rows in
            rows.filter { ($0.scheduledAt ?? 0) >= resumedAt && $0.status == "succeeded" }.count >= 2
        }.filter { ($0.scheduledAt ?? 0) >= resumedAt }
        #expect(after.filter { $0.status == "succeeded" }.count >= 2, "\(daemon.output)")
        #expect(!after.contains { $0.error?.hasPrefix("paused") == true })
        #expect(daemon.stop() == 0)
    }

    @Test func triggerOfAPausedJobStillRunsAndWarnsOnStderr() throws {
        let (dir, config, db) = try Self.setUp(#"0 0 * * * payout command="echo paid""#)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Binary.run(["pause", "payout", "--config", config, "--note", "audit"]).status == 0)
        let trigger = try Binary.run(["trigger", "payout", "--config", config])
        #expect(trigger.status == 0, "\(trigger.stderr)")
        let warning = trigger.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warning.count == 1)
        #expect(warning.first?.hasPrefix("jobctl: warning: job 'payout' is paused (by ") == true)
        #expect(warning.first?.hasSuffix(": audit); running it anyway") == true)
        let rows = try historyRows(db)
        #expect(rows.map(\.status) == ["succeeded"] && rows.map(\.trigger) == ["manual"])
        // Not paused: no warning.
        #expect(try Binary.run(["resume", "payout", "--config", config]).status == 0)
        #expect(!(try Binary.run(["trigger", "payout", "--config", config]).stderr.contains("warning")))
    }

    @Test func badPauseAndResumeRequestsAreOneLineWithTheirExitCodeAndWriteNothing() throws {
        let (dir, config, db) = try Self.setUp(#"0 0 * * * payout command="true""#)
        defer { try? FileManager.default.removeItem(at: dir) }
        func run(_ arguments: [String]) throws -> Binary.Result {
            let result = try Binary.run(arguments + ["--config", config])
            #expect(result.stderr.split(separator: "\n").count <= 1, "more than one line: \(result.stderr)")
            return result
        }
        // Before any database: nothing is created by a refusal.
        let unknown = try run(["pause", "nope"])
        #expect(unknown.status == 2 && unknown.stderr == "jobctl: error: unknown job 'nope' (jobs: payout)\n")
        let notPaused = try run(["resume", "payout"])
        #expect(notPaused.status == 1 && notPaused.stderr.contains("job 'payout' is not paused; nothing changed"))
        #expect(try run(["resume", "nope"]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: db))
        let badNote = try run(["pause", "payout", "--note", "two\nlines"])
        #expect(badNote.status == 2 && badNote.stderr.contains("--note: the note must be one line"))
        let long = try run(["pause", "payout", "--note", String(repeating: "x", count: 501)])
        #expect(long.status == 2 && long.stderr.contains("longer than 500 characters"))
        #expect(!FileManager.default.fileExists(atPath: db))

        #expect(try run(["pause", "payout", "--note", "first"]).status == 0)
        let again = try run(["pause", "payout", "--note", "second"])
        #expect(
            again.status == 1 && again.stderr.contains("is already paused (by ") && again.stderr.contains(": first)"))
        #expect(try Self.pauseNotes(db) == ["first"])
        #expect(try run(["resume", "payout"]).status == 0)
        let twice = try run(["resume", "payout"])
        #expect(twice.status == 1 && twice.stderr.contains("is not paused"))
        #expect(try Self.pauseNotes(db).isEmpty)

        // A database nobody may write: refused, exit 1, untouched.
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
        let readOnly = try run(["pause", "payout"])
        #expect(readOnly.status == 1, "\(readOnly.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: db)
        #expect(try Self.pauseNotes(db).isEmpty)
    }

    static func pauseNotes(_ db: String) throws -> [String?] {
        try DatabaseQueue(path: db).read { db in
            try String?.fetchAll(db, sql: "SELECT note FROM job_pauses ORDER BY job")
        }
    }

    static func object(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw HTTPTestError("not a JSON object: \(text.prefix(200))")
        }
        return object
    }
}
