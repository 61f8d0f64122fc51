import Foundation
import JobctlTime

/// The start of an execution, as the scheduler knows it.
public struct ExecutionStart: Sendable, Equatable {
    public var job: String
    /// The fire this run is for (the fire key with `job` and `attempt`); nil for a manual run.
    public var scheduledFor: Instant?
    public var startedAt: Date
    /// 1-based.
    public var attempt: Int
    public var triggeredBy: TriggerKind
    /// The user of a manual trigger.
    public var user: String?
    public var host: String
    public var pid: Int32

    public init(
        job: String, scheduledFor: Instant?, startedAt: Date, attempt: Int, triggeredBy: TriggerKind,
        user: String?, host: String, pid: Int32
    ) {
        self.job = job
        self.scheduledFor = scheduledFor
        self.startedAt = startedAt
        self.attempt = attempt
        self.triggeredBy = triggeredBy
        self.user = user
        self.host = host
        self.pid = pid
    }
}
