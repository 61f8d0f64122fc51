import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// Runs one failure hook: `/bin/sh -c COMMAND` in its own process group (`CommandProcess`), no
/// job lock, its time limit enforced by ending the group (SIGTERM, grace, SIGKILL), its start
/// and end recorded in `hook_runs`, its output logged (at most `logLineLimit` lines, prefixed
/// `on_failure:`) and its failure logged as a warning.
///
/// Decisions:
/// - The command is never logged or stored: it may hold a webhook's secret URL.
/// - A hook whose row cannot be recorded still runs (the alert matters more than its record);
///   the error is logged.
struct HookProcess: Sendable {
    var store: any StateStore
    var clock: any WallClock
    var logger: Logger
    var identity: RunnerIdentity
    var grace: Duration

    /// Output lines of one hook that are logged.
    static let logLineLimit = 20

    /// A hook about to run: its row is recorded, its process not started yet.
    struct Started: Sendable {
        var command: String
        var event: HookEvent
        var job: JobDefinition
        var runID: Int64
        var environment: [String: String]
        var startedAt: Date
        /// Nil when the row could not be recorded.
        var hookID: Int64?
    }

    /// Records the hook `running` (synchronously: the next decision about the job sees it).
    func begin(
        _ command: String, event: HookEvent, job: JobDefinition, runID: Int64, environment: [String: String]
    ) -> Started {
        let startedAt = clock.now()
        var hookID: Int64?
        do {
            hookID = try store.beginHookRun(
                HookRunStart(
                    runID: runID, job: job.name, event: event, startedAt: startedAt, host: identity.host,
                    pid: identity.pid))
        } catch {
            logger.error(
                "Cannot record the hook; running it anyway",
                metadata: Self.meta(job.name, runID, event).merging(["error": "\(error)"]) { $1 })
        }
        return Started(
            command: command, event: event, job: job, runID: runID, environment: environment, startedAt: startedAt,
            hookID: hookID)
    }

    /// Runs a begun hook to its end and records how it ended.
    func run(_ hook: Started) async {
        let meta = Self.meta(hook.job.name, hook.runID, hook.event)
        logger.info("Hook started", metadata: meta)
        let end = await execute(
            hook.command, job: hook.job, startedAt: hook.startedAt, environment: hook.environment, meta: meta)
        if let hookID = hook.hookID {
            do {
                try store.finishHookRun(id: hookID, end)
            } catch {
                logger.error("Cannot record the end of the hook", metadata: meta.merging(["error": "\(error)"]) { $1 })
            }
        }
        log(end, duration: end.finishedAt.milliseconds(since: hook.startedAt), meta: meta)
    }

    static func meta(_ job: String, _ runID: Int64, _ event: HookEvent) -> Logger.Metadata {
        [
            "job": .string(job), "run": .stringConvertible(runID), "hook": .string(event.option),
            "event": .string(event.rawValue),
        ]
    }

    private func execute(
        _ command: String, job: JobDefinition, startedAt: Date, environment: [String: String],
        meta: Logger.Metadata
    ) async -> HookRunEnd {
        let limit = job.hooks.timeoutMilliseconds
        let (logger, option) = (self.logger, meta["hook"].map { "\($0)" } ?? "hook")
        let budget = LogLineBudget(limit: Self.logLineLimit)
        let outcome: CommandOutcome
        do {
            outcome = try await CommandProcess.run(
                command, environment: environment, deadline: startedAt.addingMilliseconds(limit), clock: clock,
                grace: grace
            ) { line, _ in
                guard budget.take() else { return }
                logger.info("\(job.name) \(option): \(line)", metadata: meta)
            }
        } catch {
            return HookRunEnd(status: .failed, finishedAt: clock.now(), error: "\(error)")
        }
        let output = outcome.outputTail.isEmpty ? nil : outcome.outputTail
        let now = clock.now()
        if outcome.cancelled {
            return HookRunEnd(status: .interrupted, finishedAt: now, error: "interrupted by shutdown", output: output)
        }
        if outcome.timedOut {
            let text = "timed out after \(DurationText.format(milliseconds: limit)); its processes were ended"
            return HookRunEnd(status: .timedOut, finishedAt: now, error: text, output: output)
        }
        switch outcome.ending {
        case .exited(0): return HookRunEnd(status: .succeeded, finishedAt: now, exitCode: 0, output: output)
        case .exited(let code):
            return HookRunEnd(
                status: .failed, finishedAt: now, exitCode: Int(code), error: "exit status \(code)", output: output)
        case .signalled(let signal):
            return HookRunEnd(status: .failed, finishedAt: now, error: "killed by signal \(signal)", output: output)
        case .unknown(let reason): return HookRunEnd(status: .failed, finishedAt: now, error: reason, output: output)
        }
    }

    private func log(_ end: HookRunEnd, duration: Int64, meta: Logger.Metadata) {
        var extra = meta
        extra["status"] = .string(end.status.rawValue)
        extra["duration"] = .string(DurationText.readable(milliseconds: duration))
        if let error = end.error { extra["error"] = .string(error) }
        if end.status == .succeeded {
            logger.info("Hook succeeded in \(DurationText.readable(milliseconds: duration))", metadata: extra)
        } else {
            let status = end.status.rawValue.replacingOccurrences(of: "_", with: " ")
            logger.warning("Hook \(status) after \(DurationText.readable(milliseconds: duration))", metadata: extra)
        }
    }
}
