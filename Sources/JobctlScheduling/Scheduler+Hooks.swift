import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// The failure hooks of a scheduler's runs (`FailureHooks`): they run in `hookTasks`, off the
/// loop; at start, hook rows left `running` by a dead process are closed; on shutdown, hooks
/// still going are awaited.
extension Scheduler {
    /// Decision: on shutdown, hooks still going (those of runs that just ended or were
    /// interrupted included) get what is left of the grace, and at least this long, then their
    /// process groups are ended and they are recorded `interrupted`.
    static let hookDrainMinimum: Duration = .seconds(5)

    func recoverHookRuns(now: Date) {
        let me = identity
        let recovered = try? store.recoverHookRuns(now: now) { host, pid in
            host == me.host && pid != me.pid && !ProcessTable.isAlive(pid)
        }
        if let recovered, recovered > 0 {
            logger.warning("Marked \(recovered) hook run(s) left running by a dead process as interrupted")
        }
    }

    func drainHooks(deadline: ContinuousClock.Instant) async {
        let count = hookTasks.count
        guard count > 0 else { return }
        let left = max(deadline - ContinuousClock.now, Self.hookDrainMinimum)
        let (seconds, attoseconds) = left.components
        let text = DurationText.format(milliseconds: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        logger.info("Waiting up to \(text) for \(count) failure hook(s)")
        await hookTasks.drain(within: left)
    }
}
