import Foundation

/// Which summaries to read.
public struct SummaryRequest: Sendable, Equatable {
    /// Only this job.
    public var job: String?
    /// Figures of the executions kept that started at or after this instant; nil: all-time
    /// figures (every execution ever recorded, pruned ones included).
    public var since: Date?
    /// Read the duration histograms (for percentiles).
    public var durations: Bool
    /// Read the newest execution of every job.
    public var lastRuns: Bool
    /// Read the newest executions of all jobs, at most this many.
    public var recent: Int
    /// Read the alert figures too (`StateStore.alertFigures`), in the same consistent state.
    public var alertFigures: Bool
    /// Read the pauses in force too, in the same consistent state.
    public var pauses: Bool

    public init(
        job: String? = nil, since: Date? = nil, durations: Bool = true, lastRuns: Bool = false, recent: Int = 0,
        alertFigures: Bool = false, pauses: Bool = false
    ) {
        self.job = job
        self.since = since
        self.durations = durations
        self.lastRuns = lastRuns
        self.recent = recent
        self.alertFigures = alertFigures
        self.pauses = pauses
    }
}
