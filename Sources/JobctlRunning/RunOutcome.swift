import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// How one run request ended, as the scheduler and `jobctl trigger` see it.
public enum RunOutcome: Sendable, Equatable {
    /// The last attempt's final status and its history row.
    case finished(ExecutionStatus, runID: Int64)
    /// Not started: the job's lock is held (recorded `skipped` with the holder).
    case lockHeld(holder: String, runID: Int64?)
    /// Not started: this fire is already recorded (another process got there first).
    case alreadyRecorded
}
