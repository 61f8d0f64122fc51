import Foundation
import JobctlRunning
import JobctlStore

/// How an HTTP (or other in-process) trigger request ended. The run itself goes on in the
/// background; its outcome is in the history.
public enum TriggerResult: Sendable, Equatable {
    /// The run started: its first attempt is recorded as `running` under this id.
    case started(runID: Int64)
    /// No job of that name in the running config.
    case unknownJob
    /// The job is disabled (`enabled=false`): nothing ran, nothing is recorded
    /// (`JobDefinition.disabledRefusal`).
    case disabled(reason: String)
    /// The job is running: in this scheduler (nothing recorded, `runID` nil), or another
    /// process holds its lock (recorded `skipped` like `jobctl trigger`, under `runID`).
    case alreadyRunning(holder: String, runID: Int64?)
    /// The scheduler is shutting down.
    case stopping
    /// The run could not be recorded (database error); nothing ran.
    case notStarted(reason: String)
}
