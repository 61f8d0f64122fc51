import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// A fire that waits for a free slot under `MAX_CONCURRENT`.
struct WaitingFire: Sendable {
    var due: DueFire
    var trigger: TriggerKind
}

/// `MAX_CONCURRENT=N`: at most N runs of this scheduler at once.
///
/// Decisions:
/// - Every run of this scheduler takes a slot: scheduled, catch-up, `@reboot`, queued
///   (`overlap=queue`) and HTTP triggers. A retry's backoff and a jitter delay keep the run's
///   slot (the run has started). HTTP triggers never wait (an operator's explicit act, answered
///   at once), but they count: fires wait while they run.
/// - Fires that find every slot taken wait in fire order (scheduled instant, then job name)
///   and start as slots free up. They are claimed only when they start, so the wait is in their
///   `lateness`, as the issue asks: a capped scheduler shows how late it runs.
/// - While a job has a fire waiting, its `overlap=` policy treats that fire as its run: `skip`
///   records the newer fire `skipped` ("previous fire still waiting for a free slot"), `queue`
///   keeps the newest for after it, `allow` lets it wait too.
/// - On shutdown, waiting fires are dropped (logged, not recorded); catch-up at the next start
///   runs the latest of them, for jobs with `catchup=`.
/// - A reload applies a new `MAX_CONCURRENT` at once: raising it starts waiting fires.
extension Scheduler {
    func isWaiting(_ job: String) -> Bool {
        waiting.contains { $0.due.job.name == job }
    }

    /// Puts the fire in line when no slot is free, or when others wait already (fire order);
    /// true when it waits.
    func holdForSlot(_ due: DueFire, trigger: TriggerKind) -> Bool {
        guard let cap = currentConfig.maxConcurrent, runningCount >= cap || !waiting.isEmpty else { return false }
        let key = (due.fire, due.job.name)
        let index = waiting.firstIndex { ($0.due.fire, $0.due.job.name) > key } ?? waiting.endIndex
        waiting.insert(WaitingFire(due: due, trigger: trigger), at: index)
        logger.info(
            "Job waiting for a free slot (MAX_CONCURRENT=\(cap), \(runningCount) running)",
            metadata: [
                "job": .string(due.job.name),
                "scheduled": .string(TimeText.rfc3339(due.fire.unixSeconds, in: due.job.zone)),
            ])
        startWaiting()
        return true
    }

    /// Starts waiting fires, oldest first, while slots are free.
    func startWaiting() {
        while !isStopping, !waiting.isEmpty {
            if let cap = currentConfig.maxConcurrent, runningCount >= cap { return }
            let next = waiting.removeFirst()
            var due = next.due
            if let job = currentConfig.job(named: due.job.name) { due.job = job }  // the current definition
            dispatch(due, trigger: next.trigger, granted: true)
        }
    }

    func dropWaiting() {
        guard !waiting.isEmpty else { return }
        let jobs = waiting.map(\.due.job.name).joined(separator: ", ")
        logger.warning("Shutting down: \(waiting.count) fire(s) waiting for a free slot were not started (\(jobs))")
        waiting.removeAll()
    }
}
