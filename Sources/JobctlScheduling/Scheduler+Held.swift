import Foundation
import JobctlConfig
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// Runs whose claim someone made before the scheduler saw them (`RunRequest.held`): a
/// `REAP_RETRY` of an `on_lost=retry` job by this node's reaper, a fire taken from the queue
/// (`DEQUEUE`). They are this scheduler's runs like any other.
///
/// Decisions:
/// - Counted as running from the start: the overlap policy and `MAX_CONCURRENT` of later fires
///   see them, the status lists them, and shutdown gives them its grace, then interrupts them.
/// - They never wait for a slot, even over `MAX_CONCURRENT` (as an HTTP trigger does not): the
///   row is `running` already and its lease would expire while it waited.
/// - One that arrives while the scheduler is stopping is not started: its row is ended
///   `interrupted` at once ("the node is shutting down"), never left for the reaper.
extension Scheduler {
    /// Starts `request` under `held`, its first attempt's claim, as one of this scheduler's runs.
    public func startHeld(_ request: RunRequest, held: HeldClaim) {
        let runner = makeRunner()
        var request = request
        request.held = held
        guard !isStopping else {
            runner.endInterrupted(request, held, reason: "not started: the node is shutting down")
            return
        }
        track(request.job.name, runner: runner) { [request] runner in
            _ = await runner.run(request)
        }
    }

    /// Whether held runs are still started (false once a shutdown began).
    public var acceptsHeldRuns: Bool { !isStopping }
}
