import Foundation
import JobctlConfig
import JobctlStore

/// `on_failure=` for a run this process did not run: a run of another node that this node's
/// reaper marked `abandoned` (PostgreSQL, `REAP_ABANDON`; issue 11, "Dead nodes").
extension JobRunner {
    /// Decides and starts the hook as if `runID` had ended `abandoned` here (`FailureHooks`):
    /// the same store-based decision (the streak, which counts `abandoned`, and once per
    /// streak), recorded in the hook runs, run in `hookTasks`. A run is reaped by one node only
    /// (`SKIP LOCKED`), so its hook is decided once; a stalled owner that resumes finds its
    /// late end refused and the streak already alerted.
    public func afterAbandoned(_ job: JobDefinition, runID: Int64, fire: Date?) {
        failureHooks.afterRun(job, outcome: .finished(.abandoned, runID: runID), fire: fire)
    }
}
