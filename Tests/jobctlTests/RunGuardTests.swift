import Foundation
import JobctlPostgres
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The per-run guard and the node's own deadline (docs/several-hosts.md §5.4–5.6), and
/// `on_lost=retry` (§5.8): real nodes, real signals, a real PostgreSQL cluster.
@Suite(.postgresCluster, .serialized) struct RunGuardTests {
    typealias Setup = PostgresStateDBTests.Setup

    static func node(_ setup: Setup) throws -> Daemon {
        try Daemon(["run", "--grace", "1"], directory: setup.directory, environment: ["JOBCTL_CONFIG": setup.config])
    }

    /// The first running row, waited for (hang guard 20 s), and the daemon that owns it.
    static func firstRun(_ setup: Setup, of daemons: [Daemon]) throws -> (Int64, Daemon)? {
        let end = Date().addingTimeInterval(20)
        while Date() < end {
            // The node may not have made the tables yet: an error is "not yet".
            if let row = try? setup.connection.query(
                "SELECT id, owner_node FROM jobctl_execution WHERE status = 'running' ORDER BY id LIMIT 1"
            ).first, let id = try row.int64("id"), let node = try row.string("owner_node"),
                let owner = daemons.first(where: { node.contains(":\($0.process.processIdentifier):") })
            {
                return (id, owner)
            }
            usleep(100_000)
        }
        return nil
    }

    /// The pid the command wrote first (hang guard 20 s).
    static func firstPid(_ path: String) -> pid_t? {
        let end = Date().addingTimeInterval(20)
        while Date() < end {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, let pid = pid_t(line) { return pid }
            usleep(100_000)
        }
        return nil
    }

    /// A process's state letter from /proc (`T` stopped, `Z` zombie), nil when it is gone.
    static func state(_ pid: pid_t) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[close...].dropFirst(2).first
    }

    static func isGone(_ pid: pid_t) -> Bool { [nil, "Z", "X"].contains(state(pid)) }

    static func waitUntil(_ seconds: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    func status(_ setup: Setup, _ id: Int64) throws -> String {
        try setup.connection.query("SELECT status FROM jobctl_execution WHERE id = $1::bigint", [.int64(id)])
            .first?.string("status") ?? ""
    }

    /// NO_GUARD, live in the code: a SIGSTOPped node's command ran on past its lease while the
    /// database could hand the job to another node. Its guard must kill it at the deadline
    /// while the node is still stopped; resumed, the node says so and writes nothing more.
    @Test func aStoppedNodesCommandOutlivedItsLease() throws {
        let pids = try Binary.temporaryDirectory().appendingPathComponent("pids").path
        let setup = try Setup(#"* * * * * * slow command="echo $$ >> \#(pids); exec sleep 60""#, lease: "3s")
        defer { PostgresStateDBTests.killListed(pids) }
        let node = try Self.node(setup)
        defer { node.signal(SIGCONT); _ = node.stop() }
        let run = try #require(try Self.firstRun(setup, of: [node]), "\(node.output)")
        let child = try #require(Self.firstPid(pids))
        node.signal(SIGSTOP)
        // Deadline = claim + 2 s, kill grace 0.5 s: a 15 s hang guard.
        #expect(Self.waitUntil(15) { Self.isGone(child) }, "the command outlived its lease: \(node.output)")
        #expect(Self.state(node.process.processIdentifier) == "T", "the node was resumed before its child died")
        node.signal(SIGCONT)
        let line = "run \(run.0) (slow) passed its lease deadline without a renewal: stopped; its row is left"
        #expect(node.waitFor(line), "\(node.output)")
        // Nothing more written by the owner: the reaper (here the node itself) records the row.
        #expect(try Self.waitUntil(15) { try status(setup, run.0) == "abandoned" }, "\(node.output)")
        let error =
            try setup.connection.query(
                "SELECT error FROM jobctl_execution WHERE id = $1::bigint", [.int64(run.0)]
            ).first?.string("error") ?? ""
        #expect(error.hasPrefix("lease expired"), "\(error)")
    }

    /// A node killed with -9 left its command running until the lease's reaper (or for ever).
    @Test func aKilledNodesCommandRanOnUntilItsLeaseWasReaped() throws {
        let pids = try Binary.temporaryDirectory().appendingPathComponent("pids").path
        // A long lease: only the guard seeing its node die can kill the command within 10 s.
        let setup = try Setup(#"* * * * * * slow command="echo $$ >> \#(pids); exec sleep 60""#, lease: "30s")
        defer { PostgresStateDBTests.killListed(pids) }
        let node = try Self.node(setup)
        _ = try #require(try Self.firstRun(setup, of: [node]), "\(node.output)")
        let child = try #require(Self.firstPid(pids))
        node.signal(SIGKILL)
        _ = node.wait()
        #expect(Self.waitUntil(10) { Self.isGone(child) }, "the command outlived its killed node")
    }

    /// The guard's own check (§5.4): a deadline already passed when the guard starts means the
    /// command never runs, from either binary that carries the guard.
    @Test func aRunWhoseDeadlinePassedBeforeItsCommandStartedStillRanIt() throws {
        let directory = try Binary.temporaryDirectory()
        let binaries = [
            (Binary.path, ["__guard"]),
            ((Binary.path as NSString).deletingLastPathComponent + "/jobctl-guard", ["__guard"]),
        ]
        for (path, first) in binaries {
            let marker = directory.appendingPathComponent("ran-\(UUID().uuidString.prefix(6))").path
            let result = Binary.finish(try Binary.launch(path, first + ["0", "1", "100", "touch \(marker)"]))
            #expect(result.status == 125, "\(path): \(result.stderr)")
            #expect(result.stderr.contains("lease deadline passed before its command started"))
            #expect(!FileManager.default.fileExists(atPath: marker), "\(path) ran the command")
        }
    }

    /// The guard sits between the node and the command: the command must still get only the
    /// allow-listed environment (no secret of the node's) and no descriptor of the guard's.
    @Test func aGuardedCommandGetsTheAllowListedEnvironmentAndNoDescriptorOfItsGuard() throws {
        let setup = try Setup(
            #"@daily show command="env; ls /proc/$$/fd; printf 'parent '; "#
                + #"tr '\0' ' ' < /proc/$PPID/cmdline; echo" env=FOO"#)
        let secrets = ["JOBCTL_TEST_SECRET": "s3cret", "FOO": "bar", "BAR": "baz"]
        let trigger = try Binary.run(["trigger", "show", "--config", setup.config], environment: secrets)
        #expect(trigger.status == 0, "\(trigger.stderr)")
        let output =
            try setup.connection.query("SELECT output FROM jobctl_execution WHERE job = 'show'")
            .first?.string("output") ?? ""
        #expect(output.contains("JOBCTL_JOB=show\n") && output.contains("FOO=bar\n"), "\(output)")
        #expect(!output.contains("JOBCTL_TEST_SECRET") && !output.contains("BAR="), "\(output)")
        #expect(output.contains("parent jobctl __guard 3 "), "not run under its guard: \(output)")
        let descriptors = output.split(separator: "\n").filter { $0.allSatisfy(\.isNumber) }
        #expect(descriptors == ["0", "1", "2"], "\(output)")
    }

    /// A guard kills the group at its deadline, unless the node sent it a later one; it passes
    /// the command's own exit status on.
    @Test func aGuardKillsAtItsDeadlineButHonoursALaterOneFromItsNode() throws {
        let guardPath = (Binary.path as NSString).deletingLastPathComponent + "/jobctl-guard"
        func boot() -> UInt64 {
            var spec = timespec()
            clock_gettime(CLOCK_BOOTTIME, &spec)
            return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
        }
        // Deadline in 1 s, never extended: `sleep 60` is killed (the guard dies by SIGKILL with it).
        let killed = Pipe()
        let first = Process()
        first.executableURL = URL(fileURLWithPath: guardPath)
        first.arguments = ["__guard", "0", "\(boot() + 1_000_000_000)", "200", "sleep 60"]
        first.standardInput = killed
        try first.run()
        #expect(Self.waitUntil(15) { !first.isRunning }, "the guard let its command run past the deadline")
        #expect(first.terminationReason == .uncaughtSignal && first.terminationStatus == SIGKILL)
        // Deadline in 1 s, moved to +30 s at once: `sleep 2; exit 3` ends by itself with 3.
        let extended = Pipe()
        let second = Process()
        second.executableURL = URL(fileURLWithPath: guardPath)
        second.arguments = ["__guard", "0", "\(boot() + 1_000_000_000)", "200", "sleep 2; exit 3"]
        second.standardInput = extended
        try second.run()
        extended.fileHandleForWriting.write(Data("\(boot() + 30_000_000_000)\n".utf8))
        #expect(Self.waitUntil(15) { !second.isRunning })
        #expect(second.terminationReason == .exit && second.terminationStatus == 3)
        try? killed.fileHandleForWriting.close()
        try? extended.fileHandleForWriting.close()
    }

    /// Two nodes, `kill -9` of the owner of a running run; returns the lost run's id and fire.
    func loseARun(_ setup: Setup, pids: String) throws -> (Int64, [Daemon], Daemon) {
        let daemons = [
            try Self.node(setup),
            try Self.node(setup),
        ]
        let (run, owner) = try #require(try Self.firstRun(setup, of: daemons), "\(daemons.map(\.output))")
        owner.signal(SIGKILL)
        _ = owner.wait()
        let survivor = try #require(daemons.first { $0 !== owner })
        #expect(try Self.waitUntil(20) { try status(setup, run) == "abandoned" }, "\(survivor.output)")
        return (run, daemons, survivor)
    }

    func attemptsTwo(_ setup: Setup, of run: Int64, status: String? = nil) throws -> Int64 {
        try setup.count(
            """
            SELECT count(*) AS n FROM jobctl_execution r JOIN jobctl_execution l
              ON r.job = l.job AND r.scheduled_at = l.scheduled_at
            WHERE l.id = \(run) AND r.attempt = 2 AND r.triggered_by = 'retry'
            \(status.map { "AND r.status = '\($0)'" } ?? "")
            """)
    }

    /// `on_lost=retry` was not built: a lost run of an idempotent job was never run again.
    @Test func aLostRunOfAnOnLostRetryJobWasNeverRunAgain() throws {
        let pids = try Binary.temporaryDirectory().appendingPathComponent("pids").path
        let setup = try Setup(
            #"* * * * * * slow command="echo $$ >> \#(pids); sleep 3" on_lost=retry"#, lease: "3s")
        defer { PostgresStateDBTests.killListed(pids) }
        let (run, _, survivor) = try loseARun(setup, pids: pids)
        #expect(
            try Self.waitUntil(30) { try attemptsTwo(setup, of: run, status: "succeeded") == 1 }, "\(survivor.output)")
        #expect(survivor.output.contains("run \(run) (slow) retried as run"))
        #expect(survivor.stop() == 0)
        #expect(try attemptsTwo(setup, of: run) == 1)
    }

    /// The default, `on_lost=abandon`: the lost fire stays abandoned (no attempt 2).
    @Test func aLostRunOfAnAbandonJobIsNotRunAgain() throws {
        let pids = try Binary.temporaryDirectory().appendingPathComponent("pids").path
        let setup = try Setup(#"* * * * * * slow command="echo $$ >> \#(pids); sleep 3""#, lease: "3s")
        defer { PostgresStateDBTests.killListed(pids) }
        let (run, _, survivor) = try loseARun(setup, pids: pids)
        usleep(4_000_000)  // two more reaper rounds
        #expect(survivor.stop() == 0)
        #expect(try attemptsTwo(setup, of: run) == 0)
    }
}
