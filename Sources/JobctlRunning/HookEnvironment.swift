import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// The environment of a failure hook: the same allow-list as a command job of the same job
/// (`ChildEnvironment`: `PASS_ENV=` and `env=` add names, secrets never pass), plus what the
/// hook is about.
///
/// | variable | value |
/// |---|---|
/// | `JOBCTL_JOB`, `JOBCTL_RUN_ID` | the job and the run that fired the hook |
/// | `JOBCTL_STATUS` | the run's final status, `overdue` (`warn_after`), or `succeeded` (recovery) |
/// | `JOBCTL_ERROR` | the first line of the run's error, sanitized (`sanitizedError`); empty if none |
/// | `JOBCTL_CONSECUTIVE_FAILURES` | the failing streak (`HookPolicy.count`); 0 on recovery |
/// | `JOBCTL_SCHEDULED_AT` | the fire, RFC 3339 in the job's zone; unset for a manual run |
/// | `JOBCTL_HOST` | the host that ran the job |
public struct HookEnvironment: Sendable, Equatable {
    public var status: String
    public var error: String?
    public var consecutiveFailures: Int
    public var host: String

    public init(status: String, error: String?, consecutiveFailures: Int, host: String) {
        self.status = status
        self.error = error
        self.consecutiveFailures = consecutiveFailures
        self.host = host
    }

    /// The names set here for each hook (never passed from the scheduler's environment).
    public static var names: Set<String> { ChildEnvironment.hookNames }

    /// `JOBCTL_ERROR` holds at most this many characters (then `…`).
    public static let errorLimit = 256

    /// The hook's whole environment.
    public func make(
        from parent: [String: String], job: JobDefinition, runID: Int64, fire: Date?
    ) -> [String: String] {
        var environment = ChildEnvironment.make(
            from: parent, passing: job.passEnvironment, job: job.name, runID: runID,
            scheduledAt: fire.map { TimeText.rfc3339($0.unixSeconds, in: job.zone) })
        environment["JOBCTL_STATUS"] = status
        environment["JOBCTL_ERROR"] = Self.sanitizedError(error)
        environment["JOBCTL_CONSECUTIVE_FAILURES"] = String(consecutiveFailures)
        environment["JOBCTL_HOST"] = host
        return environment
    }

    /// The first line of `error`, without control characters (C0, DEL, C1: a hook that pastes it
    /// into a chat message or a terminal gets plain text), at most `errorLimit` characters.
    /// Decision: a control character becomes a space, so words stay apart.
    public static func sanitizedError(_ error: String?) -> String {
        guard let error else { return "" }
        let line =
            error.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            .first.map(String.init) ?? ""
        var clean = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            let unsafe = TerminalSafeText.isControl(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029
            clean.append(unsafe ? " " : scalar)
        }
        let text = String(clean)
        guard text.count > errorLimit else { return text }
        return String(text.prefix(errorLimit - 1)) + "…"
    }
}
