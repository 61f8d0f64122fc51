import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// Decides and starts a job's failure hooks (`HookPolicy`): the hook's process runs in
/// `tasks` (`HookTasks`), never on the scheduler's path, never under the job's lock.
///
/// The decision reads the store, not memory: the failing streak from the job's summary, the
/// newest recorded failure hook, the previous success. So a restart, or a run by another
/// process (`jobctl trigger`, `jobctl backfill`), sees the same streak. It is made, and the
/// hook's row recorded, in the run's own task right after the lock is released (a few indexed
/// reads and one insert), before the run's task ends: the job's next run therefore always sees
/// the previous run's hook, and a streak alerts once however fast its fires come.
struct FailureHooks: Sendable {
    var store: any StateStore
    var clock: any WallClock
    var logger: Logger
    var identity: RunnerIdentity
    var parentEnvironment: [String: String]
    var grace: Duration
    var tasks: HookTasks

    var process: HookProcess {
        HookProcess(store: store, clock: clock, logger: logger, identity: identity, grace: grace)
    }

    /// After a run request ended (its lock released): decides, records and starts the hook its
    /// outcome calls for. A run that could not be recorded (`runID` 0) fires nothing: there is
    /// no streak to read.
    func afterRun(_ job: JobDefinition, outcome: RunOutcome, fire: Date?) {
        guard !job.hooks.isEmpty, case .finished(let status, let runID) = outcome, runID > 0 else { return }
        let decided: (HookEvent, [String: String])?
        do {
            decided = try decide(job, status: status, runID: runID, fire: fire)
        } catch {
            logger.error(
                "Cannot decide the job's failure hooks",
                metadata: ["job": .string(job.name), "run": .stringConvertible(runID), "error": "\(error)"])
            return
        }
        guard let (event, environment) = decided,
            let command = event == .recovery ? job.hooks.onRecovery : job.hooks.onFailure
        else { return }
        let hook = process.begin(command, event: event, job: job, runID: runID, environment: environment)
        let process = self.process
        tasks.launch { await process.run(hook) }
    }

    /// The hook a finished run fires and its environment, or nil.
    func decide(
        _ job: JobDefinition, status: ExecutionStatus, runID: Int64, fire: Date?
    ) throws -> (HookEvent, [String: String])? {
        let summary = try store.summaryReport(SummaryRequest(job: job.name, durations: false)).jobs.first
        let count = HookPolicy.count(status: status, streak: summary?.failingStreak ?? 0)
        let latest = try store.latestHookRun(job: job.name, event: .failure)?.startedAt
        let success = status == .succeeded ? try previousSuccess(job.name, runID: runID) : summary?.lastSuccess
        let alerted = HookPolicy.isAfter(latest, success: success)
        guard let event = HookPolicy.event(status: status, hooks: job.hooks, count: count, alerted: alerted) else {
            return nil
        }
        let error = event == .failure ? try store.execution(id: runID)?.error : nil
        let facts = HookEnvironment(
            status: status.rawValue, error: error, consecutiveFailures: event == .recovery ? 0 : count,
            host: identity.host)
        return (event, facts.make(from: parentEnvironment, job: job, runID: runID, fire: fire))
    }

    /// When the success before `runID` finished (nil: none kept in the history).
    private func previousSuccess(_ job: String, runID: Int64) throws -> Date? {
        try store.executions(HistoryFilter(limit: 2, job: job, status: .succeeded))
            .first { $0.id != runID }?.finishedAt
    }

    /// `warn_after`: a task that fires `on_failure` with status `overdue` once the attempt
    /// `runID` has been going that long; the caller cancels it when the attempt ends. Nil when
    /// the job has no `warn_after`.
    func watchOverdue(_ job: JobDefinition, runID: Int64, fire: Date?, startedAt: Date) -> Task<Void, Never>? {
        guard let warn = job.hooks.warnAfterMilliseconds, let command = job.hooks.onFailure else { return nil }
        let at = startedAt.addingMilliseconds(warn)
        return Task {
            do {
                while clock.now() < at { try await clock.sleep(until: at) }
            } catch {
                return
            }
            guard !Task.isCancelled else { return }
            let streak =
                (try? store.summaryReport(SummaryRequest(job: job.name, durations: false)).jobs.first)?
                .failingStreak ?? 0
            let limit = DurationText.format(milliseconds: warn)
            let facts = HookEnvironment(
                status: "overdue", error: "still running after \(limit)", consecutiveFailures: streak,
                host: identity.host)
            let environment = facts.make(from: parentEnvironment, job: job, runID: runID, fire: fire)
            logger.warning(
                "Job overdue: still running after \(limit)",
                metadata: ["job": .string(job.name), "run": .stringConvertible(runID)])
            let hook = process.begin(command, event: .overdue, job: job, runID: runID, environment: environment)
            let process = self.process
            tasks.launch { await process.run(hook) }
        }
    }
}
