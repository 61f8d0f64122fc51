import Foundation

/// `jobctl stats`: one entry per job that has executions in the window, sorted by name, and
/// the overall figures.
public struct HistoryStats: Sendable, Equatable {
    public var since: Date?
    public var jobs: [JobStats]
    public var overall: JobStats
    /// Money jobs that found nothing to do for too long (`IdleWarning`); they describe the
    /// jobs now, whatever the window. Empty without a config (no schedule to judge by).
    public var warnings: [IdleWarning]
    /// The pauses in force (`JobPause`), by job; they describe the jobs now.
    public var pauses: [JobPause] = []

    public init(since: Date?, jobs: [JobStats], overall: JobStats, warnings: [IdleWarning] = []) {
        self.since = since
        self.jobs = jobs
        self.overall = overall
        self.warnings = warnings
    }
}

extension ExecutionSummaries {
    /// Stats per job and overall, from the summaries (one consistent read, a fixed number of
    /// queries). Without `since`, counts cover every execution ever recorded, pruned ones
    /// included; with it, the executions kept that started in the window.
    public func stats(job: String?, since: Date?) throws -> HistoryStats {
        HistoryStats(try summaryReport(SummaryRequest(job: job, since: since)))
    }
}

extension HistoryStats {
    public init(_ report: SummaryReport) {
        var overall = JobStats(job: nil)
        var latenessSum = 0.0
        var latenessCount = 0
        let jobs = report.jobs.map(JobStats.init(summary:))
        for (stats, summary) in zip(jobs, report.jobs) {
            overall.runs += stats.runs
            overall.succeeded += stats.succeeded
            overall.failed += stats.failed
            overall.partial += stats.partial
            overall.skipped += stats.skipped
            overall.running += stats.running
            overall.durationMaxMs = HistoryStore.maxOptional(overall.durationMaxMs, stats.durationMaxMs)
            overall.latenessMaxMs = HistoryStore.maxOptional(overall.latenessMaxMs, stats.latenessMaxMs)
            latenessSum += summary.latenessSumMs
            latenessCount += summary.latenessCount
            overall.lastSuccess = HistoryStore.maxOptional(overall.lastSuccess, stats.lastSuccess)
            overall.lastFailure = HistoryStore.maxOptional(overall.lastFailure, stats.lastFailure)
        }
        overall.latenessMeanMs = latenessCount == 0 ? nil : latenessSum / Double(latenessCount)
        self.init(since: report.since, jobs: jobs, overall: overall)
    }
}

extension JobStats {
    /// A job's line. Percentiles come from the duration histogram: within 1/128 of the exact
    /// nearest-rank value, exact below 128 ms (`DurationHistogram`).
    public init(summary: JobSummary) {
        let count = { (status: ExecutionStatus) in summary.counts[status, default: 0] }
        self.init(
            job: summary.job, runs: summary.runs, succeeded: count(.succeeded),
            failed: count(.failed) + count(.timedOut) + count(.interrupted) + count(.abandoned),
            partial: count(.partial),
            skipped: count(.skipped), running: count(.running) + count(.queued),
            durationP50Ms: summary.durations.percentile(0.50, maximum: summary.durationMaxMs),
            durationP95Ms: summary.durations.percentile(0.95, maximum: summary.durationMaxMs),
            durationMaxMs: summary.durationMaxMs,
            latenessMeanMs: summary.latenessCount == 0 ? nil : summary.latenessSumMs / Double(summary.latenessCount),
            latenessMaxMs: summary.latenessMaxMs, lastSuccess: summary.lastSuccess, lastFailure: summary.lastFailure,
            consecutiveFailures: summary.failingStreak)
    }
}

extension HistoryStore {
    static func maxOptional<T: Comparable>(_ a: T?, _ b: T?) -> T? {
        switch (a, b) {
        case (nil, nil): return nil
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (let a?, let b?): return max(a, b)
        }
    }
}
