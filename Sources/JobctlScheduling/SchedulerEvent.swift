import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// What reaches a running scheduler from outside (signals, in the CLI).
public enum SchedulerEvent: Sendable {
    /// SIGHUP: re-read the config; an invalid one, or one that changes a setting read only at
    /// start (`JobsConfig.reloadRefusal`), is logged and the old one kept whole.
    case reload
    /// SIGINT/SIGTERM: stop starting runs, wait for running ones up to `grace`, then cancel
    /// them (recorded `interrupted`).
    case shutdown(grace: Duration)
}
