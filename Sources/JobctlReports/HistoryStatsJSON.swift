import Foundation
import JobctlStore
import JobctlTime

/// `jobctl stats --json`.
public struct HistoryStatsJSON: Sendable, Codable, Equatable {
    public var since: String?
    public var jobs: [JobStatsJSON]
    public var overall: JobStatsJSON
    public var warnings: [IdleWarningJSON]
    /// The pauses in force (issue 12).
    public var pauses: [PauseJSON]

    public init(_ stats: HistoryStats) {
        since = stats.since.map(HistoryTime.rfc3339(_:))
        jobs = stats.jobs.map(JobStatsJSON.init)
        overall = JobStatsJSON(stats.overall)
        warnings = stats.warnings.map(IdleWarningJSON.init)
        pauses = stats.pauses.map(PauseJSON.init)
    }

    enum CodingKeys: String, CodingKey { case since, jobs, overall, warnings, pauses }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(since, forKey: .since)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(overall, forKey: .overall)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(pauses, forKey: .pauses)
    }
}
