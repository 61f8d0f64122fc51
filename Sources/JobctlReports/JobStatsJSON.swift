import Foundation
import JobctlStore
import JobctlTime

/// Stats of one job (or overall, `job` null) as JSON.
public struct JobStatsJSON: Sendable, Codable, Equatable {
    public var job: String?
    public var totalExecutions: Int
    public var successfulExecutions: Int
    public var failedExecutions: Int
    public var partialExecutions: Int
    public var skippedExecutions: Int
    public var runningExecutions: Int
    /// 0…1, rounded to 4 decimals; null when nothing finished.
    public var successRate: Double?
    public var durationP50Ms: Int64?
    public var durationP95Ms: Int64?
    public var durationMaxMs: Int64?
    public var latenessMeanMs: Double?
    public var latenessMaxMs: Int64?
    public var lastSuccessAt: String?
    public var lastFailureAt: String?
    public var consecutiveFailures: Int?

    public init(_ stats: JobStats) {
        job = stats.job
        totalExecutions = stats.runs
        successfulExecutions = stats.succeeded
        failedExecutions = stats.failed
        partialExecutions = stats.partial
        skippedExecutions = stats.skipped
        runningExecutions = stats.running
        successRate = stats.successRate.map { ($0 * 10_000).rounded() / 10_000 }
        durationP50Ms = stats.durationP50Ms
        durationP95Ms = stats.durationP95Ms
        durationMaxMs = stats.durationMaxMs
        latenessMeanMs = stats.latenessMeanMs.map { ($0 * 10).rounded() / 10 }
        latenessMaxMs = stats.latenessMaxMs
        lastSuccessAt = stats.lastSuccess.map(HistoryTime.rfc3339(_:))
        lastFailureAt = stats.lastFailure.map(HistoryTime.rfc3339(_:))
        consecutiveFailures = stats.consecutiveFailures
    }

    enum CodingKeys: String, CodingKey {
        case job, totalExecutions, successfulExecutions, failedExecutions, partialExecutions, skippedExecutions
        case runningExecutions, successRate, durationP50Ms, durationP95Ms, durationMaxMs, latenessMeanMs
        case latenessMaxMs, lastSuccessAt, lastFailureAt, consecutiveFailures
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(job, forKey: .job)
        try c.encode(totalExecutions, forKey: .totalExecutions)
        try c.encode(successfulExecutions, forKey: .successfulExecutions)
        try c.encode(failedExecutions, forKey: .failedExecutions)
        try c.encode(partialExecutions, forKey: .partialExecutions)
        try c.encode(skippedExecutions, forKey: .skippedExecutions)
        try c.encode(runningExecutions, forKey: .runningExecutions)
        try c.encode(successRate, forKey: .successRate)
        try c.encode(durationP50Ms, forKey: .durationP50Ms)
        try c.encode(durationP95Ms, forKey: .durationP95Ms)
        try c.encode(durationMaxMs, forKey: .durationMaxMs)
        try c.encode(latenessMeanMs, forKey: .latenessMeanMs)
        try c.encode(latenessMaxMs, forKey: .latenessMaxMs)
        try c.encode(lastSuccessAt, forKey: .lastSuccessAt)
        try c.encode(lastFailureAt, forKey: .lastFailureAt)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
    }
}
