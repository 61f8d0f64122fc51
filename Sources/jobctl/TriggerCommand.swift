import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig
import JobctlPostgresStore
import JobctlReports
import JobctlRunning
import JobctlScheduling
import JobctlStore
import JobctlTime
import Logging

struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Run one job now, in the foreground, under its lock.",
        discussion:
            "Exit 0 succeeded, 1 failed, partial or timed out, 75 already running, "
            + "2 unknown or disabled job or bad config.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The job's name in the config.")
    var job: String

    func run() async throws {
        let config = try options.load()
        let definition = try config.runnableJob(named: job)
        LineLogHandler.bootstrap()
        let store = try openStore(config)
        let clock = SystemWallClock()
        _ = try? store.recoverInterrupted(
            now: clock.now(),
            isLockFree: {
                OrphanedRuns.isLockFree(job: $0, at: config.lockPath(job: $0), logger: Logger(label: "jobctl"))
            })
        // A paused job still runs by hand: the operator's explicit act. Said once, on stderr.
        if let pause = try? store.activePause(job: job) {
            let line = "jobctl: warning: job '\(job)' is paused (\(pause.summary)); running it anyway"
            FileHandle.standardError.write(Data((TerminalSafeText.escaped(line) + "\n").utf8))
        }
        _ = try? store.learnCounters(ArcadeJobs.registry.workCounters)
        let identity = RunnerIdentity.current
        var made = JobRunner(
            environment: RunEnvironment(config), store: store, clock: clock, logger: Logger(label: "jobctl"),
            identity: identity, jobs: ArcadeJobs.registry)
        let node = PostgresNode.leasing(&made, store: store, config: config)  // nil on SQLite
        let runner = made
        let renewal = node?.renewing()
        defer { renewal?.cancel() }
        let task = Task { await runner.run(.manual(definition, user: identity.user)) }
        // Ctrl-C cancels the run (recorded interrupted) instead of killing us mid-write.
        let signals = Task {
            for await _ in Signals.stream([SIGINT, SIGTERM]) {
                task.cancel()
                runner.hookTasks.cancelAll()
            }
        }
        let outcome = await task.value
        await runner.hookTasks.wait()  // the run's failure hook, if any, after its lock is released
        signals.cancel()
        switch outcome {
        case .finished(.succeeded, _):
            return
        case .finished(let status, let id):
            let row = try? store.execution(id: id)
            throw fail(
                "job '\(job)' \(status.rawValue.replacingOccurrences(of: "_", with: " ")) (run \(id))\(row?.error.map { ": \($0)" } ?? "")",
                code: ExitStatus.failure)
        case .leaseLost(let id):
            throw fail(
                "job '\(job)': run \(id) lost its lease (the database was not reached in time, or another node "
                    + "reaped it): it was stopped, and is recorded abandoned by the reaper", code: ExitStatus.failure)
        case .lockHeld(let holder, _):
            throw fail("job '\(job)' is already running (\(holder)); recorded as skipped", code: ExitStatus.busy)
        case .alreadyRecorded, .skipped, .queued, .runningHere:  // the last three: not for a lone manual run
            throw fail("job '\(job)': this run is already recorded", code: ExitStatus.busy)
        }
    }
}
