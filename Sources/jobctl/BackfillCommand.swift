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

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Run a job's past fires in (--from, --to] that have no succeeded run, oldest first.",
        discussion:
            "Exit 0 all succeeded (or nothing to run), 1 any did not succeed, 75 the job was running, "
            + "2 unknown or disabled job, bad range, no fires, more than --max, or bad config.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The job's name in the config.")
    var job: String

    @Option(help: "The start of the range, excluded (RFC 3339; without an offset, in the job's zone).")
    var from: String

    @Option(help: "The end of the range, included (RFC 3339; not after now).")
    var to: String

    @Flag(help: "List the fires that would run; run nothing, write nothing.")
    var dryRun = false

    @Option(help: "Refuse when more than this many fires need a run.")
    var max = 100

    func validate() throws {
        guard max >= 1 else { throw ValidationError("--max must be at least 1") }
    }

    func run() async throws {
        let config = try options.load()
        let definition = try config.runnableJob(named: job)
        let range: (Date, Date)
        do {
            range = (
                Date(unixSeconds: try TimeText.parse(from, in: definition.zone)),
                Date(unixSeconds: try TimeText.parse(to, in: definition.zone))
            )
        } catch {
            throw fail("\(error)")
        }
        LineLogHandler.bootstrap()
        let store = try openStore(config)
        let clock = SystemWallClock()
        let plan: BackfillPlan
        do {
            plan = try BackfillPlan.make(
                job: definition, from: range.0, to: range.1, now: clock.now(), max: max, ledger: store)
        } catch let problem as BackfillPlan.Problem {
            throw fail(problem.description)
        } catch {
            throw fail("cannot read the history: \(error)", code: ExitStatus.failure)
        }
        try await execute(plan, definition: definition, config: config, store: store, clock: clock)
    }

    private func execute(
        _ plan: BackfillPlan, definition: JobDefinition, config: JobsConfig, store: any StateStore,
        clock: SystemWallClock
    ) async throws {
        var out = OutputBuffer()
        defer { out.flush() }
        if plan.fires.isEmpty {
            out.append(BackfillReport.nothingToDo(plan) + "\n")
            return
        }
        if dryRun {
            for line in BackfillReport.dryRun(plan, zone: definition.zone) { out.append(line + "\n") }
            return
        }
        _ = try? store.recoverInterrupted(now: clock.now()) {
            OrphanedRuns.isLockFree(job: $0, at: config.lockPath(job: $0), logger: Logger(label: "jobctl"))
        }
        _ = try? store.learnCounters(ArcadeJobs.registry.workCounters)
        var made = JobRunner(
            environment: RunEnvironment(config), store: store, clock: clock, logger: Logger(label: "jobctl"),
            identity: .current, jobs: ArcadeJobs.registry)
        let node = PostgresNode.leasing(&made, store: store, config: config)  // nil on SQLite
        let runner = made
        let renewal = node?.renewing()
        defer { renewal?.cancel() }
        let zone = definition.zone
        let task = Task {
            await Backfill(runner: runner).run(plan, job: definition) { result in
                FileHandle.standardOutput.write(Data((BackfillReport.line(result, zone: zone) + "\n").utf8))
            }
        }
        // Ctrl-C interrupts the current run (recorded interrupted) and stops the backfill.
        let signals = Task {
            for await _ in Signals.stream([SIGINT, SIGTERM]) {
                task.cancel()
                runner.hookTasks.cancelAll()
            }
        }
        let result = await task.value
        signals.cancel()
        out.append(BackfillReport.summary(result, plan: plan) + "\n")
        if result.busy { throw ExitCode(ExitStatus.busy) }
        if !result.allSucceeded { throw ExitCode(ExitStatus.failure) }
    }
}
