import Foundation
import GRDB

/// What `jobctl metrics` exports for one job, read from the history.
public struct JobMetricsSnapshot: Sendable, Equatable {
    public var job: String
    /// Executions per status; every status is present (zero when none).
    public var runs: [ExecutionStatus: Int]
    /// Cumulative counts of durations ≤ each bound of `PrometheusExporter.durationBuckets`.
    public var durationBuckets: [Int]
    /// Runs that have a duration (finished runs that ran; not skipped, running or interrupted).
    public var durationCount: Int
    public var durationSumSeconds: Double
    public var lastSuccess: Date?
    public var consecutiveFailures: Int
    public var itemsProcessed: Int64
    /// Lateness of the newest scheduled or catch-up run that started.
    public var lastLatenessSeconds: Double?

    public init(
        job: String, runs: [ExecutionStatus: Int], durationBuckets: [Int], durationCount: Int,
        durationSumSeconds: Double, lastSuccess: Date?, consecutiveFailures: Int, itemsProcessed: Int64,
        lastLatenessSeconds: Double?
    ) {
        self.job = job
        self.runs = runs
        self.durationBuckets = durationBuckets
        self.durationCount = durationCount
        self.durationSumSeconds = durationSumSeconds
        self.lastSuccess = lastSuccess
        self.consecutiveFailures = consecutiveFailures
        self.itemsProcessed = itemsProcessed
        self.lastLatenessSeconds = lastLatenessSeconds
    }
}
