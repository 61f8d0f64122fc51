import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

extension JobRunner {
    /// The triggers a pause stops: the fires of the schedule, their catch-up and their retries.
    /// A manual run (`jobctl trigger`, the HTTP trigger) is an operator's explicit act and runs
    /// even while the job is paused (its caller warns).
    static func pauseStops(_ trigger: TriggerKind) -> Bool {
        trigger == .schedule || trigger == .catchup || trigger == .retry
    }

    /// Before a fire (or a retry of it) is claimed, the job's pause is read from the store: one
    /// indexed read, so a pause recorded by any process or host holds from the next fire on,
    /// without a reload. A paused job's fire is claimed as `skipped` with the pause as its
    /// reason (`JobPause.skipReason`: counted in stats and metrics, never silent). Returns that
    /// outcome, or nil to go on. When the pause cannot be read, the run does not start (as when
    /// its claim cannot be written): a money job must not run against a pause. An unreachable
    /// store is asked again (`waitIfUnavailable`) until the fire is given up.
    func skipIfPaused(_ request: RunRequest, trigger: TriggerKind, attempt: Int) async -> RunOutcome? {
        var waits = 0
        while true {
            do {
                return try pausedOutcome(request, trigger: trigger, attempt: attempt)
            } catch {
                if await waitIfUnavailable(error, request: request, waits: &waits) { continue }
                var metadata = meta(request.job, nil, request.fire, [:])
                metadata["error"] = .string("\(error)")
                logger.error("Cannot read or record the pause state; not starting the run", metadata: metadata)
                return .finished(.failed, runID: 0)
            }
        }
    }

    /// The pause read and, when paused, the `skipped` row; throws what the store throws.
    func pausedOutcome(_ request: RunRequest, trigger: TriggerKind, attempt: Int) throws -> RunOutcome? {
        let job = request.job
        guard Self.pauseStops(trigger), let fire = request.fire else { return nil }
        var metadata: Logger.Metadata = [
            "job": .string(job.name), "scheduled": .string(TimeText.rfc3339(fire.unixSeconds, in: job.zone)),
        ]
        guard let pause = try store.activePause(job: job.name) else { return nil }
        guard let claim = try claimSkip(request, trigger: trigger, attempt: attempt, reason: pause.skipReason) else {
            logger.info("Fire already recorded by another process", metadata: metadata)
            return .alreadyRecorded
        }
        metadata["run"] = .stringConvertible(claim.runID)
        metadata["reason"] = .string(pause.skipReason)
        logger.info("Fire skipped: the job is paused", metadata: metadata)
        return .finished(.skipped, runID: claim.runID)
    }
}
