import Foundation
import JobctlTime

/// A job's failure hooks (`on_failure=`, `on_recovery=`, `alert_after=`, `warn_after=`,
/// `hook_timeout=`; `ON_FAILURE=` above the job line), as the config reader validated them.
///
/// Decisions (docs/config.md#failure-hooks):
/// - `on_failure=""` turns off an `ON_FAILURE=` inherited from above the line; an empty or blank
///   command is no hook.
/// - `on_recovery=`, `alert_after=` and `warn_after=` need a failure hook: recovery follows a
///   streak that alerted, and `warn_after` fires the failure hook; without one they would
///   silently do nothing, so the config reader refuses them.
/// - A hook's time limit is `hook_timeout=` (default 30 s): a webhook that takes longer is
///   broken, and the limit bounds how long a hook can keep a scheduler's shutdown waiting.
public struct JobHooks: Sendable, Equatable {
    /// Run through `/bin/sh -c` when a run ends in a failure (see `HookPolicy`).
    public var onFailure: String?
    /// Run when the job succeeds again after a failing streak that fired `onFailure`.
    public var onRecovery: String?
    /// The failing streak that fires `onFailure` (once per streak).
    public var alertAfter: Int = 1
    /// Fire `onFailure` once, with status `overdue`, while a run is still going after this long.
    public var warnAfterMilliseconds: Int64?
    /// How long a hook may run before its process group is ended.
    public var timeoutMilliseconds: Int64 = JobHooks.defaultTimeoutMilliseconds

    public static let defaultTimeoutMilliseconds: Int64 = 30_000
    /// `alert_after=` takes 1 to this.
    public static let alertAfterRange = 1...10_000
    /// `hook_timeout=` is at most an hour: a hook is a notification, not a job.
    public static let maximumTimeoutMilliseconds: Int64 = 3_600_000

    public init(
        onFailure: String? = nil, onRecovery: String? = nil, alertAfter: Int = 1, warnAfterMilliseconds: Int64? = nil,
        timeoutMilliseconds: Int64 = JobHooks.defaultTimeoutMilliseconds
    ) {
        self.onFailure = onFailure
        self.onRecovery = onRecovery
        self.alertAfter = alertAfter
        self.warnAfterMilliseconds = warnAfterMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Nothing to run, ever.
    public var isEmpty: Bool { onFailure == nil && onRecovery == nil }

    /// A command as written, or nil when it is empty or blank (no hook).
    static func command(_ text: String) -> String? {
        text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text
    }
}
