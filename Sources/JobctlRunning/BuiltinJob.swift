import Foundation
import Logging

/// What a job reports about one run. Stored as JSON with the execution.
///
/// `processed`, `created`, `updated` and `skipped` are the counters every job reports;
/// `counters` holds the job's own (`pools_finalized`, `payout_total`, `sessions_deleted`, …).
/// Money is integer micro-USDC in counters whose name ends in `_micro_usdc` or `payout_total`.
public struct JobMetrics: Sendable, Codable, Equatable {
    public var processed: Int
    public var created: Int
    public var updated: Int
    public var skipped: Int
    public var counters: [String: Int64]

    public init(
        processed: Int = 0, created: Int = 0, updated: Int = 0, skipped: Int = 0,
        counters: [String: Int64] = [:]
    ) {
        self.processed = processed
        self.created = created
        self.updated = updated
        self.skipped = skipped
        self.counters = counters
    }

    public subscript(counter name: String) -> Int64 {
        get { counters[name] ?? 0 }
        set { counters[name] = newValue }
    }
}

/// The result of a job that ran to the end. A job that could not do part of its work (one
/// game's query failed) returns `partialFailure` with the reason; the run is then `partial`.
/// A job that could do nothing throws.
public struct JobResult: Sendable, Equatable {
    public var metrics: JobMetrics
    public var partialFailure: String?

    public init(metrics: JobMetrics, partialFailure: String? = nil) {
        self.metrics = metrics
        self.partialFailure = partialFailure
    }
}

/// Everything a built-in job may use while it runs. Time comes from `now`, never `Date()`.
public struct JobContext: Sendable {
    /// The arcade database (`APP_DB`), nil when the config has none.
    public var appDatabasePath: String?
    public var logger: Logger
    /// The job's zone: period dates ("yesterday", "this week") are calendar dates in it.
    public var timeZone: TimeZone
    /// The fire this run is for; nil for a manual run.
    public var scheduledAt: Date?
    /// The wall clock.
    public var now: @Sendable () -> Date
    /// Run id in the history, for log lines.
    public var runID: Int64

    public init(
        appDatabasePath: String?, logger: Logger, timeZone: TimeZone, scheduledAt: Date?,
        runID: Int64 = 0, now: @escaping @Sendable () -> Date
    ) {
        self.appDatabasePath = appDatabasePath
        self.logger = logger
        self.timeZone = timeZone
        self.scheduledAt = scheduledAt
        self.runID = runID
        self.now = now
    }

    /// Throws `CancellationError` when the run was cancelled (timeout, shutdown). Jobs call
    /// this between batches so that cancellation is cooperative and never leaves half a batch.
    public func checkCancellation() throws {
        try Task.checkCancellation()
    }
}

/// The kind of value a job option takes.
public enum JobOptionKind: Sendable, Equatable {
    /// `90s`, `10m`, `1h30m`, `90d`.
    case duration
    case integer(ClosedRange<Int>)
    case boolean
}

/// An option a built-in job takes. What each means and its default: the job's own doc
/// comment and `docs/config.md` (`jobctl check` does not list them).
public struct JobOptionSpec: Sendable, Equatable {
    public var name: String
    public var kind: JobOptionKind

    public init(_ name: String, _ kind: JobOptionKind) {
        self.name = name
        self.kind = kind
    }
}

/// A validated option value.
public enum JobOptionValue: Sendable, Equatable {
    case duration(milliseconds: Int64)
    case integer(Int)
    case boolean(Bool)
}

/// A built-in job: a name, the options it accepts (validated when the config is read), and
/// `run`. Adding a job is one file that conforms to this and one line in `BuiltinJobs.all`.
public protocol BuiltinJob: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static var options: [JobOptionSpec] { get }
    /// Zero-argument catch-up default for this job (`prizepool` catches up a day by default).
    static var defaultCatchupMilliseconds: Int64? { get }
    /// The counter of its metrics that says the run found work to do (`prizepool`: `pools_due`):
    /// a money job whose runs all find none for too long gets the idle warning (docs/alerts.md).
    /// The history database must know the name (`WorkMarkerSchema.counters`).
    static var workCounter: String? { get }
    /// The counter that says there was activity the work comes from (`prizepool`: completed
    /// sessions seen); a run that found no work while this was 0 is not idle. nil: always.
    static var activityCounter: String? { get }
    /// Built from options that the config reader has already validated against `options`.
    init(options: [String: JobOptionValue])
    func run(_ context: JobContext) async throws -> JobResult
}

extension BuiltinJob {
    public static var defaultCatchupMilliseconds: Int64? { nil }
    public static var workCounter: String? { nil }
    public static var activityCounter: String? { nil }
}

/// A job that failed after doing some of its work throws this, so that the run's metrics
/// (e.g. the anomalies that made `leaderboard fail_on_anomalies=true` fail) are still
/// recorded. Any other error means "failed, no metrics".
public struct JobFailure: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var metrics: JobMetrics

    public init(_ message: String, metrics: JobMetrics) {
        self.message = message
        self.metrics = metrics
    }

    public var description: String { message }
}
