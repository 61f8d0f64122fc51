import Foundation
import GRDB
import JobctlConfig
import JobctlTime

/// The failure hooks' part of the `StateStore` contract (issue 12): each hook's run is
/// recorded (`running` first, then how it ended), readable per run for `jobctl show`, and the
/// newest hook of a kind per job tells the hook policy whether a failing streak has alerted
/// (`HookPolicy`), so that state lives in the store, not in a scheduler's memory.
public protocol HookRunStore: Sendable {
    /// Records a hook as `running` for `start.runID`; returns the hook row's id.
    func beginHookRun(_ start: HookRunStart) throws -> Int64

    /// Completes a hook row still `running`; false (nothing written) otherwise.
    @discardableResult
    func finishHookRun(id: Int64, _ end: HookRunEnd) throws -> Bool

    /// The hooks fired by one run, oldest first.
    func hookRuns(runID: Int64) throws -> [HookRunRecord]

    /// The newest hook of `event` recorded for the job (by start, then id), any status.
    func latestHookRun(job: String, event: HookEvent) throws -> HookRunRecord?

    /// Marks hook rows left `running` by processes that died `interrupted` (`isDead(host,
    /// pid)` says which); returns how many.
    func recoverHookRuns(now: Date, isDead: (String, Int32) -> Bool) throws -> Int
}

/// What the store knows of the fires of one job in a range: for `jobctl backfill`.
public protocol FireLedger: Sendable {
    /// Every fire of `job` recorded with a fire trigger (schedule, catch-up, retry, backfill)
    /// and scheduled in (`after`, `through`], oldest first.
    func recordedFires(job: String, after: Date, through: Date) throws -> [RecordedFire]
}

/// The record of one fire: its highest attempt and whether any attempt succeeded.
public struct RecordedFire: Sendable, Equatable {
    public var scheduledAt: Date
    /// The highest attempt recorded for the fire (its next attempt is this + 1).
    public var lastAttempt: Int
    /// An attempt of the fire ended `succeeded`.
    public var succeeded: Bool

    public init(scheduledAt: Date, lastAttempt: Int, succeeded: Bool) {
        self.scheduledAt = scheduledAt
        self.lastAttempt = lastAttempt
        self.succeeded = succeeded
    }
}
