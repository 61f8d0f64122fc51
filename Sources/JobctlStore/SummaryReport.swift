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

    public init(
        since: Date?, jobs: [JobSummary], lastRuns: [String: ExecutionRecord] = [:], recent: [ExecutionRecord] = [],
        version: Int = 0
    ) {
        self.since = since
        self.jobs = jobs
        self.lastRuns = lastRuns
        self.recent = recent
        self.version = version
    }
}
