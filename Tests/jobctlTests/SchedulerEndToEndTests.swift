import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Rows of the history, read with plain SQL (independently of the store's API).
struct Row_: Sendable {
    var job: String
    var status: String
    var scheduledAt: Int64?
    var startedAt: Int64
    var trigger: String
    var error: String?
}

func historyRows(_ path: String) throws -> [Row_] {
    let queue = try DatabaseQueue(path: path)
    return try queue.read { db in
        try Row.fetchAll(
            db, sql: "SELECT job, status, scheduled_at, started_at, triggered_by, error FROM job_executions ORDER BY id"
        ).map {
            Row_(
                job: $0["job"], status: $0["status"], scheduledAt: $0["scheduled_at"], startedAt: $0["started_at"],
                trigger: $0["triggered_by"], error: $0["error"])
        }
    }
}

@Suite(.serialized) struct SchedulerEndToEndTests {
    func setUp(_ jobs: String) throws -> (URL, URL) {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try "TZ=UTC\n\(jobs)\n".write(to: config, atomically: true, encoding: .utf8)
        return (dir, config)
    }

    @Test func secondLevelJobsFireAtTheirSeconds() throws {
        let (dir, config) = try setUp(#"* * * * * * tick command="echo $JOBCTL_SCHEDULED_AT""#)
        let daemon = try Daemon(["run", "--config", config.path], directory: dir)
        #expect(daemon.waitFor("Scheduler started"))
        sleep(4)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path).filter { $0.job == "tick" }
        #expect(rows.count >= 3, "\(daemon.output)")
        let fires = rows.compactMap(\.scheduledAt)
        #expect(fires.count == rows.count)
        // One fire per second; a gap is allowed only where the scheduler said it coalesced
        // fires (a wake more than a second late on a loaded machine), never a double.
        let gaps = zip(fires, fires.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { $0 >= 1000 && $0 % 1000 == 0 }, "\(fires)")
        let coalesced = daemon.output.components(separatedBy: "were due at once").count - 1
        #expect(gaps.filter { $0 != 1000 }.count <= coalesced, "\(fires)")
        for row in rows {
            #expect(row.status == "succeeded")
            let lateness = row.startedAt - (row.scheduledAt ?? 0)
            #expect(lateness >= 0 && lateness < 900, "started \(lateness) ms after its second")
        }
        #expect(daemon.output.contains("[tick] tick: 20"))  // the command saw JOBCTL_SCHEDULED_AT
    }

    @Test func sigtermDuringARunInterruptsAfterTheGrace() throws {
        let (dir, config) = try setUp(#"@reboot sleeper command="sleep 30""#)
        let daemon = try Daemon(["run", "--config", config.path, "--grace", "1"], directory: dir)
        #expect(daemon.waitFor("[sleeper] Job started"))
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 15) == 0, "\(daemon.output)")
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path)
        #expect(rows.map(\.status) == ["interrupted"], "\(daemon.output)")
        #expect(JobLockProbe.isFree(dir.appendingPathComponent("sleeper.lock").path))
    }

    @Test func killNineThenRestartMarksInterruptedAndCatchesUp() throws {
        let (dir, config) = try setUp(#"*/2 * * * * * slow command="sleep 30" catchup=1h"#)
        let db = dir.appendingPathComponent("jobctl.db").path
        let first = try Daemon(["run", "--config", config.path], directory: dir)
        #expect(first.waitFor("[slow] Job started"))
        first.signal(SIGKILL)
        _ = first.wait()
        let before = try historyRows(db)
        #expect(before.map(\.status).contains("running"))
        let lastFireBefore = before.compactMap(\.scheduledAt).max() ?? 0
        sleep(3)  // miss a fire or two
        let second = try Daemon(["run", "--config", config.path, "--grace", "0"], directory: dir)
        #expect(second.waitFor("Catching up"), "\(second.output)")
        #expect(second.waitFor("trigger=catchup"))
        second.signal(SIGTERM)
        #expect(second.wait() == 0)
        let rows = try historyRows(db)
        let interrupted = rows.prefix(before.count).filter { $0.status == "interrupted" }
        #expect(interrupted.count == 1, "\(rows)")
        #expect(interrupted.first?.error?.contains("died") == true, "\(rows)")
        #expect(!rows.contains { $0.status == "running" })
        let catchups = rows.dropFirst(before.count).filter { $0.trigger == "catchup" }
        #expect(catchups.count == 1, "\(rows)")
        #expect((catchups.first?.scheduledAt ?? 0) > lastFireBefore, "the missed fire, not the one that died")
        #expect(JobLockProbe.isFree(dir.appendingPathComponent("slow.lock").path))
    }

    @Test func triggerWhileRunningExits75AndRecordsSkipped() throws {
        let (dir, config) = try setUp(#"@reboot busy command="sleep 30""#)
        let daemon = try Daemon(["run", "--config", config.path, "--grace", "0"], directory: dir)
        #expect(daemon.waitFor("[busy] Job started"))
        let trigger = try Binary.run(["trigger", "busy", "--config", config.path])
        #expect(trigger.status == 75, "\(trigger.stderr)")
        #expect(trigger.stderr.contains("already running"))
        #expect(trigger.stderr.contains("pid \(daemon.process.processIdentifier)"))
        let second = try Binary.run(["run", "--config", config.path])
        #expect(second.status == 75)
        #expect(second.stderr.contains("another 'jobctl run'"))
        daemon.signal(SIGTERM)
        _ = daemon.wait()
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path)
        #expect(rows.contains { $0.status == "skipped" && $0.trigger == "manual" })
    }

    @Test func triggerExitCodes() throws {
        let (dir, config) = try setUp(
            """
            @daily ok command="echo fine"
            @daily bad command="echo broken >&2; exit 4" retries=2 backoff=100ms
            """)
        let ok = try Binary.run(["trigger", "ok", "--config", config.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr.contains("Job succeeded in"))
        let bad = try Binary.run(["trigger", "bad", "--config", config.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("exit status 4"))
        let unknown = try Binary.run(["trigger", "nope", "--config", config.path])
        #expect(unknown.status == 2)
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path)
        #expect(rows.map(\.status) == ["succeeded", "failed"])
        #expect(rows.allSatisfy { $0.trigger == "manual" && $0.scheduledAt == nil })
    }
}

enum JobLockProbe {
    static func isFree(_ path: String) -> Bool {
        let fd = open(path, O_RDWR)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) == 0
    }
}

@Suite struct ReloadEndToEndTests {
    @Test func sighupReloadsAValidConfigAndKeepsTheOldOneOnErrors() throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try "TZ=UTC\n@daily first command=\"true\"\n".write(to: config, atomically: true, encoding: .utf8)
        let daemon = try Daemon(["run", "--config", config.path, "--grace", "0"], directory: dir)
        #expect(daemon.waitFor("Scheduler started with 1 job(s)"))
        try "TZ=UTC\n@daily first command=\"true\"\n@hourly second command=\"true\"\n".write(
            to: config, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor("Config reloaded: 2 job(s)"), "\(daemon.output)")
        try "TZ=UTC\n0 60 * * * broken command=\"true\"\n".write(to: config, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor("Config reload refused"))
        #expect(daemon.output.contains("hour: 60 is out of range 0-23"))
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
    }
}
