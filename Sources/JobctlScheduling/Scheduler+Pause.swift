import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

extension Scheduler {
    /// Pauses `job` through this scheduler's store, judged against the running config
    /// (`PauseControl`), at this scheduler's wall clock: the HTTP pause route. The scheduler
    /// itself learns of it like of any pause, by reading the store at the job's next fire.
    public func pause(job name: String, by: String, note: String?) throws -> PauseControl.Outcome {
        try PauseControl(config: currentConfig, store: store).pause(job: name, by: by, note: note, at: clock.now())
    }

    /// Lifts the pause of `job` (the HTTP resume route); it runs from its next fire.
    public func resume(job name: String) throws -> PauseControl.Outcome {
        try PauseControl(config: currentConfig, store: store).resume(job: name)
    }
}
