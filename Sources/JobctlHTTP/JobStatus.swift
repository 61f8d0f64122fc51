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
    /// The pause in force (who, when, note), or null: the job's fires are recorded skipped.
    /// Decision: shown to anonymous readers too (the page's badge needs no token): the note is
    /// the operators' own text, not a job's output, which is what redaction protects.
    var paused: PauseJSON? = nil
    /// Failures since the job's newest success (as `stats`), 0 when none.
    var consecutiveFailures = 0

    enum CodingKeys: String, CodingKey {
        case name, schedule, timezone, nextFire, lastRun, running, paused, consecutiveFailures
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(nextFire, forKey: .nextFire)
        try c.encode(lastRun, forKey: .lastRun)
        try c.encode(running, forKey: .running)
        try c.encode(paused, forKey: .paused)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
    }
}
