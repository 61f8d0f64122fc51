import Foundation

/// One consistent state of the summaries.
public struct SummaryReport: Sendable, Equatable {
    public var since: Date?
    /// Jobs with executions (in the window), sorted by name.
    public var jobs: [JobSummary]
    /// The newest execution of each job (any status), when asked for.
    public var lastRuns: [String: ExecutionRecord]
    /// The newest executions, when asked for.
    public var recent: [ExecutionRecord]
    /// Changes whenever another connection commits (SQLite `PRAGMA data_version`), for caches.
    public var version: Int
    /// The alert figures, when asked for (else empty).
    public var figures: AlertFigures
    /// The pauses in force, by job, when asked for (else empty).
    public var pauses: [JobPause]

    public init(
        since: Date?, jobs: [JobSummary], lastRuns: [String: ExecutionRecord] = [:], recent: [ExecutionRecord] = [],
        version: Int = 0, figures: AlertFigures = AlertFigures(), pauses: [JobPause] = []
    ) {
        self.since = since
        self.jobs = jobs
        self.lastRuns = lastRuns
        self.recent = recent
        self.version = version
        self.figures = figures
        self.pauses = pauses
    }
}
