import Foundation
import JobctlStore
import JobctlTime
import Logging

/// Everything a built-in job may use while it runs. Time comes from `now`, never `Date()`.
public struct JobContext: Sendable {
    /// The arcade database (`APP_DB`), nil when the config has none.
    public var appDatabasePath: String?
    /// `APP_DB_PASSWORD_FILE`, for a PostgreSQL `APP_DB`; nil when the config has none.
    public var appDatabasePasswordFile: String? = nil
    public var logger: Logger
    /// The job's zone, the rules the scheduler fires it by: period dates ("yesterday", "this
    /// week") are calendar dates in it.
    public var zone: ZoneRules
    /// The fire this run is for; nil for a manual run.
    public var scheduledAt: Date?
    /// The wall clock.
    public var now: @Sendable () -> Date
    /// Run id in the history, for log lines.
    public var runID: Int64
    /// The run's fence when its state is in PostgreSQL (`PAYOUT_TX`): a job whose writes go to
    /// that same database checks it first in each transaction. nil on SQLite, or outside a run.
    public var fence: RunFence? = nil

    public init(
        appDatabasePath: String?, logger: Logger, zone: ZoneRules, scheduledAt: Date?,
        runID: Int64 = 0, now: @escaping @Sendable () -> Date
    ) {
        self.appDatabasePath = appDatabasePath
        self.logger = logger
        self.zone = zone
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
