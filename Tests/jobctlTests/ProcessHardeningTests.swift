import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 9, the process side, through the real binary and real processes: secrets in the
/// environment (item 6), timeouts (8), orphans after a crash (9), output capture (12), SIGCHLD
/// and control characters (13).
@Suite(.serialized) struct ProcessHardeningTests {
    func setUp(_ jobs: String) throws -> (URL, URL) {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try "TZ=UTC\n\(jobs)\n".write(to: config, atomically: true, encoding: .utf8)
        return (dir, config)
    }

    // MARK: Item 6: no secret reaches a child

    @Test func aJobPrintingItsEnvironmentSeesNeitherTheTokenNorOtherVariables() throws {
        let (dir, config) = try setUp(
            """
            @reboot plain command="env"
            @reboot passed command="env" env=FOO
            PASS_ENV=BAR
            @reboot bysetting command="env"
            """)
        let daemon = try Daemon(
            ["run", "--config", config.path], directory: dir,
            environment: ["JOBCTL_HTTP_TOKEN": "secret-token-0123456789", "FOO": "bar", "BAR": "baz"])
        for job in ["plain", "passed", "bysetting"] {
            #expect(daemon.waitFor("[\(job)] Job succeeded"), "\(daemon.output)")
        }
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        let outputs = try Outputs.read(dir.appendingPathComponent("jobctl.db").path)
        for (job, output) in outputs {
            #expect(!output.contains("secret-token"), "\(job): \(output)")
            #expect(output.contains("JOBCTL_JOB=\(job)\n"), "\(job): \(output)")
            #expect(output.contains("PATH="), "\(job): \(output)")
        }
        #expect(outputs["plain"].map { !$0.contains("FOO=") && !$0.contains("BAR=") } == true)
        #expect(outputs["passed"].map { $0.contains("FOO=bar\n") && !$0.contains("BAR=") } == true)
        #expect(outputs["bysetting"].map { $0.contains("BAR=baz\n") && !$0.contains("FOO=") } == true)
        #expect(!daemon.output.contains("secret-token"))
    }

    @Test func namingTheTokenInEnvIsALocatedConfigError() throws {
        let (_, config) = try setUp(#"@daily leak command="env" env=FOO,JOBCTL_HTTP_TOKEN"#)
        let result = try Binary.run(["check", "--config", config.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("jobs.conf:2:35: error: env: JOBCTL_HTTP_TOKEN is a secret"), "\(result.stderr)")
    }

    // MARK: Item 8: timeouts always kill

    /// The shell dies on SIGTERM, its child ignores it: round 1 sent SIGKILL only if the shell
    /// survived the grace, so the child outlived its `timed_out` run.
    @Test(arguments: [
        #"(trap '' TERM; sh -c 'sleep 60; :' MARKER) & sleep 60"#,
        #"trap '' TERM; (trap '' TERM; sh -c 'sleep 60; :' MARKER) & sleep 60"#,
    ])
    func aTimedOutJobThatIgnoresSIGTERMAndForksLeavesNoProcess(_ command: String) throws {
        let marker = "jobctl-test-\(UUID().uuidString.prefix(8))"
        let text = command.replacingOccurrences(of: "MARKER", with: marker)
        let (dir, config) = try setUp(#"@daily stubborn timeout=1s command="\#(text)""#)
        let started = try Binary.start(["trigger", "stubborn", "--config", config.path])
        #expect(Poll.until { !LiveProcesses.withArgument(marker).isEmpty }, "the job's child never started")
        let result = Binary.finish(started)
        #expect(result.status == 1, "\(result.stderr)")
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path)
        #expect(rows.map(\.status) == ["timed_out"])
        #expect(LiveProcesses.withArgument(marker).isEmpty, "a process of the timed-out run survived")
    }

    @Test func processesAShellLeavesBehindAreEndedWithItsRun() throws {
        let marker = "jobctl-test-\(UUID().uuidString.prefix(8))"
        let (_, config) = try setUp(#"@daily quick command="sh -c 'sleep 60; :' \#(marker) & echo parent-done""#)
        let result = try Binary.run(["trigger", "quick", "--config", config.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("left processes running"))
        #expect(LiveProcesses.withArgument(marker).isEmpty)
    }

    // MARK: Item 9: orphans after a crash

    /// After `kill -9` of `run`, the command kept running in its own group and the lock died
    /// with the scheduler: the next start ran the job again beside the orphan.
    @Test func killNineOfRunLeavesNoOrphanAndTheJobNeverRunsTwiceAtOnce() throws {
        // Each run records its pid and reports any earlier run still alive (zombies are gone).
        let command =
            "for p in $(cat pids 2>/dev/null); do s=$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null); "
            + "case $s in ''|Z) ;; *) echo OVERLAP $p >> overlaps;; esac; done; echo $$ >> pids; exec sleep 60"
        let (dir, config) = try setUp("@every 2s long command=\"\(command)\"")
        let pids = dir.appendingPathComponent("pids").path
        func recorded() -> [Int32] {
            ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        }
        let first = try Daemon(["run", "--config", config.path], directory: dir)
        #expect(Poll.until { recorded().count == 1 }, "\(first.output)")
        first.signal(SIGKILL)
        _ = first.wait()
        let orphan = try #require(recorded().first)
        try #require(LiveProcesses.isAlive(orphan), "the command died with the scheduler: nothing to test")
        // The orphan holds the job's lock: nothing can start the job beside it.
        #expect(!JobLockProbe.isFree(dir.appendingPathComponent("long.lock").path))

        let second = try Daemon(["run", "--config", config.path, "--grace", "0"], directory: dir)
        #expect(second.waitFor("Ending processes of a run whose jobctl died"), "\(second.output)")
        #expect(Poll.until { recorded().count >= 2 }, "\(second.output)")
        #expect(!LiveProcesses.isAlive(orphan), "the orphan survived the restart")
        second.signal(SIGTERM)
        #expect(second.wait() == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/overlaps"), "ran twice at once")
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path)
        #expect(rows.first?.status == "interrupted", "\(rows)")
        #expect(rows.first?.error?.contains("died") == true)
        #expect(!rows.contains { $0.status == "running" }, "\(rows)")
        #expect(recorded().allSatisfy { !LiveProcesses.isAlive($0) })
    }

    /// A `trigger` killed with -9 while the scheduler runs leaves its command holding the lock:
    /// the scheduler's next fire ends it instead of skipping until the next start.
    @Test func aTriggerKilledWithNineNeitherBlocksNorDoublesTheSchedulersRuns() throws {
        // Manual runs (no JOBCTL_SCHEDULED_AT) last a minute; scheduled ones are quick. Each run
        // records "m PID" or "s PID" and reports any earlier run still alive.
        let command =
            "for p in $(cut -d' ' -f2 runs 2>/dev/null); do s=$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null); "
            + "case $s in ''|Z) ;; *) echo OVERLAP $p >> overlaps;; esac; done; "
            + "if [ -z \"$JOBCTL_SCHEDULED_AT\" ]; then echo m $$ >> runs; exec sleep 60; fi; echo s $$ >> runs"
        let (dir, config) = try setUp("@every 2s mixed command=\"\(command)\"")
        let runs = dir.appendingPathComponent("runs").path
        func recorded(_ kind: String) -> [Int32] {
            ((try? String(contentsOfFile: runs, encoding: .utf8)) ?? "").split(separator: "\n")
                .filter { $0.hasPrefix(kind + " ") }.compactMap { Int32($0.dropFirst(2)) }
        }
        let daemon = try Daemon(["run", "--config", config.path, "--grace", "0"], directory: dir)
        #expect(Poll.until { recorded("s").count >= 1 }, "\(daemon.output)")
        var manual: Int32?
        for _ in 0..<5 where manual == nil {  // a trigger that lands on a scheduled run exits 75: again
            let trigger = try Binary.start(["trigger", "mixed", "--config", config.path], currentDirectory: dir.path)
            let ran = Poll.until(timeout: 5) { !recorded("m").isEmpty || !trigger.0.isRunning }
            if ran, let pid = recorded("m").first {
                manual = pid
                kill(trigger.0.processIdentifier, SIGKILL)
            }
            if trigger.0.isRunning { kill(trigger.0.processIdentifier, SIGKILL) }
            _ = Binary.finish(trigger)
        }
        let orphan = try #require(manual, "the trigger never ran")
        try #require(LiveProcesses.isAlive(orphan))
        let scheduledBefore = recorded("s").count
        #expect(daemon.waitFor("Ending processes of a run whose jobctl died"), "\(daemon.output)")
        #expect(Poll.until { recorded("s").count > scheduledBefore }, "\(daemon.output)")
        #expect(!LiveProcesses.isAlive(orphan))
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/overlaps"), "ran twice at once")
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path)
        let manualRows = rows.filter { $0.trigger == "manual" && $0.status != "skipped" }
        #expect(manualRows.map(\.status) == ["interrupted"], "\(rows)")
    }

    /// Ending a dead run's leftovers must never reach anyone else who holds the lock, such as
    /// an operator pausing the job with flock(1).
    @Test func anOperatorsFlockOnTheJobsLockIsRespectedNotKilled() throws {
        let (dir, config) = try setUp(#"@daily paused command="echo ran""#)
        let lock = dir.appendingPathComponent("paused.lock").path
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--nonblock", lock, "sleep", "60"]
        try holder.run()
        defer {
            kill(-holder.processIdentifier, SIGKILL)  // flock and its sleep: their own group
            holder.waitUntilExit()
        }
        #expect(Poll.until { !JobLockProbe.isFree(lock) })
        let result = try Binary.run(["trigger", "paused", "--config", config.path])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(!result.stderr.contains("Ending processes"))
        #expect(holder.isRunning)
    }

    @Test func theSecondSignalExitTakesTheRunningCommandsAlong() throws {
        let (dir, config) = try setUp(#"@reboot long command="echo $$ > pid; exec sleep 60""#)
        let pidFile = dir.appendingPathComponent("pid").path
        func pid() -> Int32? {
            let text = try? String(contentsOfFile: pidFile, encoding: .utf8)
            return text.flatMap { Int32($0.trimmingCharacters(in: .newlines)) }
        }
        let daemon = try Daemon(["run", "--config", config.path, "--grace", "60"], directory: dir)
        #expect(Poll.until { pid() != nil }, "\(daemon.output)")
        let child = try #require(pid())
        daemon.signal(SIGTERM)
        #expect(daemon.waitFor("Shutting down"))
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 130)
        #expect(Poll.until { !LiveProcesses.isAlive(child) }, "the command outlived the scheduler's exit")
    }

    // MARK: Item 12: linear output capture, every line up to EOF

    @Test func aMegabyteOfNewlinesKeepsTheFinalLineAndFinishesFast() throws {
        let command = #"head -c 1000000 /dev/zero | tr '\\0' '\\n'; echo final-line"#
        let (dir, config) = try setUp("@daily chatty command=\"\(command)\"")
        let started = Date()
        let result = try Binary.run(["trigger", "chatty", "--config", config.path])
        #expect(Date().timeIntervalSince(started) < 20, "hang guard")
        #expect(result.status == 0, "\(result.stderr.suffix(500))")
        let output = try Outputs.read(dir.appendingPathComponent("jobctl.db").path)["chatty"]
        #expect(output?.hasSuffix("\n\nfinal-line\n") == true)
        #expect(result.stderr.contains("… 999,001 more lines not logged"))
        #expect(result.stderr.utf8.count < 200_000, "the log is capped, not 64 MB")
    }

    @Test func theLastLinesBeforeExitAreRecordedAndTheCapIsReported() throws {
        let (dir, config) = try setUp(#"@daily burst command="seq 1 5000; echo last-line-before-exit""#)
        let result = try Binary.run(["trigger", "burst", "--config", config.path])
        #expect(result.status == 0)
        let output = try #require(try Outputs.read(dir.appendingPathComponent("jobctl.db").path)["burst"])
        #expect(output.hasSuffix("4999\n5000\nlast-line-before-exit\n"))
        #expect(result.stderr.contains("burst: 1000 stream=stdout"))
        #expect(!result.stderr.contains("burst: 1001 stream=stdout"))
        #expect(result.stderr.contains("… 4,001 more lines not logged"))
    }

    // MARK: Item 13: SIGCHLD, control characters

    /// Inherited as ignored, SIGCHLD made the kernel reap the shell itself; `waitpid` failed
    /// and the failed command was recorded as succeeded.
    @Test func anIgnoredSIGCHLDDoesNotMakeAFailedCommandLookSucceeded() throws {
        let (dir, config) = try setUp(#"@daily broken command="exit 3""#)
        let ignoring = "trap '' CHLD; exec \"$0\" \"$@\""
        let probe = try Spawn.run("/bin/bash", ["-c", ignoring, "/bin/grep", "SigIgn", "/proc/self/status"])
        let mask = UInt64(probe.stdout.split(separator: "\t").last?.trimmingCharacters(in: .newlines) ?? "", radix: 16)
        let ignored = mask.map { $0 & (1 << (UInt64(SIGCHLD) - 1)) != 0 } ?? false
        try #require(ignored, "bash did not ignore SIGCHLD: \(probe.stdout)")
        let arguments = ["-c", ignoring, Binary.path, "trigger", "broken", "--config", config.path]
        let result = try Spawn.run("/bin/bash", arguments)
        #expect(result.status == 1, "\(result.stderr)")
        let rows = try historyRows(dir.appendingPathComponent("jobctl.db").path)
        #expect(rows.map(\.status) == ["failed"])
        #expect(rows.first?.error == "exit status 3")
    }

    @Test func controlCharactersInJobOutputNeverReachTheTerminalRaw() throws {
        let command = #"printf '\\033[31mred\\r\\n'; printf 'title\\033]0;owned\\007\\n' >&2"#
        let (_, config) = try setUp("@daily red command=\"\(command)\"")
        let result = try Binary.run(["trigger", "red", "--config", config.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(!result.stderr.unicodeScalars.contains("\r"))
        #expect(!result.stderr.unicodeScalars.contains("\u{07}"))
        #expect(result.stderr.contains(#"red: \x1b[31mred\r stream=stdout"#), "\(result.stderr)")
        #expect(result.stderr.contains(#"red: title\x1b]0;owned\x07 stream=stderr"#), "\(result.stderr)")
    }
}

/// The recorded output tail per job (its last run), read with plain SQL.
enum Outputs {
    static func read(_ path: String) throws -> [String: String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT job, output FROM job_executions ORDER BY id") {
                result[row["job"]] = row["output"] ?? ""
            }
            return result
        }
    }
}

/// Polls a condition every 50 ms for up to `timeout` seconds.
enum Poll {
    static func until(timeout: TimeInterval = 20, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}

/// Live (not zombie) processes, through `/proc`.
enum LiveProcesses {
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// Pids of live processes with `marker` as one of their arguments.
    static func withArgument(_ marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                data.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == marker })
            else { return false }
            return isAlive(pid)
        }
    }
}

/// Any executable, run to completion with both pipes read.
enum Spawn {
    static func run(_ executable: String, _ arguments: [String]) throws -> Binary.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["JOBCTL_CONFIG"] = nil
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Binary.finish((process, out, err))
    }
}
