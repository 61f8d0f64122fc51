import Foundation

/// Figures for one job, or for all jobs together (`job == nil`).
///
/// Counts, durations and lateness cover the executions kept that started in the window
/// (`since`), or without a window every execution ever recorded (rows pruned by retention
/// included); last success, last failure and consecutive failures describe the job now,
/// whatever the window.
public struct JobStats: Sendable, Equatable {
    /// nil for the overall figures.
    public var job: String?
    /// Every execution in the window, whatever its status.
    public var runs: Int
    public var succeeded: Int
    /// failed + timed_out + interrupted + abandoned.
    public var failed: Int
    public var partial: Int
    public var skipped: Int
    /// Fires under way: `running`, and `queued` (PostgreSQL, `overlap=queue`: claimed, waiting
    /// for the job's live run to end). Decision: a queued fire counts in `runs` and here, never
    /// as a success or a failure; once it runs it counts once, as its final status.
    public var running: Int
    /// succeeded ÷ (succeeded + failed + partial): skipped fires and running rows do not
    /// count. nil when there is nothing to divide by.
    public var successRate: Double? {
        let finished = succeeded + failed + partial
        return finished == 0 ? nil : Double(succeeded) / Double(finished)
    }
    /// Nearest-rank percentiles of the durations of runs that finished (skipped and
    /// interrupted rows have no duration), read from the duration histogram: within 1/128 of
    /// the exact value, exact below 128 ms. Per job only: durations of different jobs do not mix.
    public var durationP50Ms: Int64?
    public var durationP95Ms: Int64?
    public var durationMaxMs: Int64?
    /// Lateness (started − scheduled) of `schedule` and `catchup` runs.
    public var latenessMeanMs: Double?
    public var latenessMaxMs: Int64?
    /// When the newest successful run finished.
    public var lastSuccess: Date?
    /// When the newest failed, timed-out, interrupted or abandoned run finished.
    public var lastFailure: Date?
    /// Failures since the last success (all of them if it never succeeded); nil overall.
    public var consecutiveFailures: Int?

    public init(
        job: String?, runs: Int = 0, succeeded: Int = 0, failed: Int = 0, partial: Int = 0, skipped: Int = 0,
        running: Int = 0, durationP50Ms: Int64? = nil, durationP95Ms: Int64? = nil, durationMaxMs: Int64? = nil,
        latenessMeanMs: Double? = nil, latenessMaxMs: Int64? = nil, lastSuccess: Date? = nil,
        lastFailure: Date? = nil, consecutiveFailures: Int? = nil
    ) {
        self.job = job
        self.runs = runs
        self.succeeded = succeeded
        self.failed = failed
        self.partial = partial
        self.skipped = skipped
        self.running = running
        self.durationP50Ms = durationP50Ms
        self.durationP95Ms = durationP95Ms
        self.durationMaxMs = durationMaxMs
        self.latenessMeanMs = latenessMeanMs
        self.latenessMaxMs = latenessMaxMs
        self.lastSuccess = lastSuccess
        self.lastFailure = lastFailure
        self.consecutiveFailures = consecutiveFailures
    }
}
