import Foundation
import JobctlReports
import JobctlStore

/// One job of the running config.
struct JobStatus: Encodable, Sendable {
    var name: String
    var schedule: String
    var timezone: String
    /// The next planned fire; null for `@reboot`, disabled jobs and schedules that never fire
    /// again.
    var nextFire: String?
    /// The job's newest execution, any status; null when it never ran.
    var lastRun: ExecutionJSON?
    /// A run of the job is under way in this scheduler.
    var running: Bool

    enum CodingKeys: String, CodingKey { case name, schedule, timezone, nextFire, lastRun, running }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(nextFire, forKey: .nextFire)
        try c.encode(lastRun, forKey: .lastRun)
        try c.encode(running, forKey: .running)
    }
}
