import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// When a finished run fires a failure hook: the rules of `on_failure=`, `alert_after=` and
/// `on_recovery=`, pure, so a table test states them (`HookPolicyTests`).
///
/// Decisions:
/// - **Which runs fail.** Every final status other than `succeeded` and `skipped` fires
///   `on_failure`: `failed`, `timed_out`, `partial`, `interrupted`, and any final status the
///   store adds later (`abandoned`, once a lease store reaps runs) without a change here.
///   `skipped` is not a failure: nothing ran.
/// - **The streak** is the store's failing streak (`JobSummary.failingStreak`: failed, timed
///   out and interrupted runs since the newest success, as `stats` counts it), read after the
///   run is recorded. So it survives restarts and counts runs recorded by any process, retries
///   included (each attempt is a run). A `partial` run is not in that streak; for its own
///   decision it counts as one more failure (`count = streak + 1`).
/// - **Once per streak.** `on_failure` fires when the count has reached `alert_after` and no
///   failure hook has been recorded since the newest success (`alerted`): once per streak,
///   even when the streak jumped past `alert_after` (a run recovered as interrupted after a
///   crash counts in the streak but fires nothing itself).
/// - **Recovery.** `on_recovery` fires on a success when a failure hook was recorded after the
///   previous success: the streak it ends had alerted. A second success in a row fires nothing.
/// - Retries: the hook is decided when the run request ends (its last attempt), so a failed
///   attempt whose retry succeeds never alerts by itself.
public enum HookPolicy {
    /// The run's final status fires `on_failure` (see the type's note).
    public static func isFailure(_ status: ExecutionStatus) -> Bool {
        status != .succeeded && status != .skipped && status != .running && status != .queued
    }

    /// The failures this run's decision counts: the store's streak, plus the run itself when it
    /// is a failure the streak leaves out (`partial`).
    public static func count(status: ExecutionStatus, streak: Int) -> Int {
        isFailure(status) && !status.isFailure ? streak + 1 : streak
    }

    /// The hook a finished run fires, if any.
    /// - Parameters:
    ///   - count: `count(status:streak:)` for a failure.
    ///   - alerted: for a failure, a failure hook was recorded in this streak (since the newest
    ///     success); for a success, one was recorded in the streak it ends.
    public static func event(status: ExecutionStatus, hooks: JobHooks, count: Int, alerted: Bool) -> HookEvent? {
        if status == .succeeded {
            return hooks.onRecovery != nil && alerted ? .recovery : nil
        }
        guard isFailure(status), hooks.onFailure != nil, !alerted, count >= hooks.alertAfter else { return nil }
        return .failure
    }

    /// Whether a failure hook started at `hook` belongs to the streak after the success that
    /// finished at `success` (nil: no success kept in the history).
    static func isAfter(_ hook: Date?, success: Date?) -> Bool {
        guard let hook else { return false }
        guard let success else { return true }
        return hook >= success
    }
}
