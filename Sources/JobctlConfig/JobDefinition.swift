import Foundation
import JobctlTime

/// One job line of `jobs.conf`, validated.
public struct JobDefinition: Sendable {
    public var name: String
    public var schedule: Schedule
    public var zone: ZoneRules
    public var zoneSource: ZoneSource
    public var action: JobAction
    public var timeoutMilliseconds: Int64?
    public var retries: Int
    public var backoffMilliseconds: Int64
    public var overlap: OverlapPolicy
    /// Run a fire missed during downtime if it is no older than this; nil = off.
    public var catchupMilliseconds: Int64?
    public var jitterMilliseconds: Int64
    public var enabled: Bool
    public var line: Int
    /// Variables passed to the job's processes beyond `ChildEnvironment.allowed` (`PASS_ENV=`
    /// above the job plus its `env=`).
    public var passEnvironment: [String] = []
    /// `on_failure=`, `on_recovery=` and the rest of the failure hooks (`JobHooks`).
    public var hooks = JobHooks()
    /// `on_lost=`: what the reaper does with a run that lost its lease (`OnLostPolicy`).
    public var onLost = OnLostPolicy.abandon

    public func nextFire(after date: Date) -> Date? {
        schedule.nextFire(after: date, in: zone)
    }
}

extension JobDefinition {
    /// Why a run by hand (`jobctl trigger`, the HTTP trigger) is refused, or nil.
    ///
    /// Decision: `enabled=false` means the job does not run, by schedule or by hand, so that
    /// disabling a money-moving job is enough to stop it; the HTTP trigger answers 409 and
    /// `jobctl trigger` exits 2, both with this line, and nothing is recorded. To run it once,
    /// enable it (a reload is enough while `jobctl run` runs).
    public var disabledRefusal: String? {
        enabled ? nil : "job '\(name)' is disabled (enabled=false on line \(line)); nothing ran"
    }
}
