import Foundation
import JobctlRunning
import JobctlStore

/// What a running scheduler knows right now, for the HTTP API's status: every job of the
/// config in config order with its next planned fire and how many of its runs are under way.
public struct SchedulerSnapshot: Sendable, Equatable {
    public struct Job: Sendable, Equatable {
        public var name: String
        /// The schedule as written (`0 0 * * *`, `@every 90s`).
        public var schedule: String
        /// The job's IANA zone.
        public var timezone: String
        public var enabled: Bool
        /// The next planned fire; nil for `@reboot`, disabled jobs and schedules that never
        /// fire again.
        public var nextFire: Date?
        /// Runs of this job under way in this scheduler (scheduled, retries and HTTP triggers).
        public var running: Int
    }

    public var jobs: [Job]
    /// A shutdown has begun: no new runs start.
    public var stopping: Bool
}
