import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// How one run request ended, as the scheduler, the HTTP trigger and `jobctl trigger` see it.
public enum RunOutcome: Sendable, Equatable {
    /// The last attempt's final status and its history row.
    case finished(ExecutionStatus, runID: Int64)
    /// Not started: the job's lock is held (recorded `skipped` with the holder).
    case lockHeld(holder: String, runID: Int64?)
    /// Not started: this fire is already recorded (another process got there first).
    case alreadyRecorded
    /// Not started: `overlap=skip` and the job is under way in this process (recorded `skipped`
    /// with the reason under `runID`; nil when the row could not be written).
    case skipped(reason: String, runID: Int64?)
    /// Not started yet: `overlap=queue` and the job is under way; the caller keeps the fire.
    case queued
    /// Not started, nothing recorded: a manual run of a job this process is running.
    case runningHere(holder: String)
    /// Started, then this process lost the run's lease (`SELF_FENCE`: its deadline passed
    /// without a renewal, or a reaper took the run): the run was stopped and nothing more was
    /// written about it. Its row is the reaper's (`abandoned`), whose node fires its hooks.
    case leaseLost(runID: Int64)
}
