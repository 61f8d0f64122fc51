import Foundation

/// The summary of one job. Counts, sums, maxima and the histogram cover the request's window
/// (or all time); the markers (last success, last failure, failing streak, last lateness)
/// always describe the job now.
public struct JobSummary: Sendable, Equatable {
    public var job: String
    /// Executions per status (statuses with none are absent).
    public var counts: [ExecutionStatus: Int]
    public var durationCount: Int
    public var durationSumMs: Double
    public var durationMaxMs: Int64?
    public var latenessCount: Int
    public var latenessSumMs: Double
    public var latenessMaxMs: Int64?
    /// Empty unless the request asked for durations.
    public var durations: DurationHistogram
    /// When the newest successful run (by start, then id) finished.
    public var lastSuccess: Date?
    /// When the newest failed, timed-out, interrupted or abandoned run finished.
    public var lastFailure: Date?
    /// Failures that started after the newest success.
    public var failingStreak: Int
    /// The lateness of the newest run that has one.
    public var lastLatenessMs: Int64?

    public init(
        job: String, counts: [ExecutionStatus: Int] = [:], durationCount: Int = 0, durationSumMs: Double = 0,
        durationMaxMs: Int64? = nil, latenessCount: Int = 0, latenessSumMs: Double = 0, latenessMaxMs: Int64? = nil,
        durations: DurationHistogram = DurationHistogram(), lastSuccess: Date? = nil, lastFailure: Date? = nil,
        failingStreak: Int = 0, lastLatenessMs: Int64? = nil
    ) {
        self.job = job
        self.counts = counts
        self.durationCount = durationCount
        self.durationSumMs = durationSumMs
        self.durationMaxMs = durationMaxMs
        self.latenessCount = latenessCount
        self.latenessSumMs = latenessSumMs
        self.latenessMaxMs = latenessMaxMs
        self.durations = durations
        self.lastSuccess = lastSuccess
        self.lastFailure = lastFailure
        self.failingStreak = failingStreak
        self.lastLatenessMs = lastLatenessMs
    }

    /// Every execution counted, whatever its status.
    public var runs: Int { counts.values.reduce(0, +) }

    /// Adds another part of the same job's window (a day, the rows of a partial day).
    mutating func merge(_ other: JobSummary) {
        for (status, count) in other.counts {
            let sum = counts[status, default: 0] + count
            counts[status] = sum == 0 ? nil : sum
        }
        durationCount += other.durationCount
        durationSumMs += other.durationSumMs
        durationMaxMs = HistoryStore.maxOptional(durationMaxMs, other.durationMaxMs)
        latenessCount += other.latenessCount
        latenessSumMs += other.latenessSumMs
        latenessMaxMs = HistoryStore.maxOptional(latenessMaxMs, other.latenessMaxMs)
        durations.add(other.durations)
    }

    /// The window's figures emptied, the markers kept.
    var markersOnly: JobSummary {
        JobSummary(
            job: job, lastSuccess: lastSuccess, lastFailure: lastFailure, failingStreak: failingStreak,
            lastLatenessMs: lastLatenessMs)
    }
}
