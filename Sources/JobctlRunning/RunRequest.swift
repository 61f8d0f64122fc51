import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime

/// One request to run a job (`JobRunner.run(_:)`): which job, for which fire, why, and by whom.
public struct RunRequest: Sendable {
    /// The job's definition (the scheduler's current one).
    public var job: JobDefinition
    /// The fire this run is for; nil for a manual run.
    public var fire: Instant?
    public var trigger: TriggerKind
    /// The job's following fire: a retry never starts at or after it.
    public var nextFire: Instant?
    /// Who asked, for a manual run (recorded in its row); ignored for other triggers.
    public var user: String?
    /// 1 but for a backfill of a fire recorded before (it starts after its last attempt).
    public var firstAttempt: Int
    /// What the requesting process already has under way for the job (`OverlapDecision`).
    public var local: LocalRuns
    /// Called with the run id once the first attempt's `running` row is recorded (the HTTP
    /// trigger answers 202 with it while the run goes on).
    public var onStart: (@Sendable (Int64) -> Void)?
    /// Set when the first attempt's `running` row is claimed already (`HeldClaim`): the runner
    /// neither reads the pause nor claims for it, and the overlap policy is not asked again.
    public var held: HeldClaim?

    public init(
        job: JobDefinition, fire: Instant?, trigger: TriggerKind, nextFire: Instant? = nil, user: String? = nil,
        firstAttempt: Int = 1, local: LocalRuns = .none, onStart: (@Sendable (Int64) -> Void)? = nil
    ) {
        self.job = job
        self.fire = fire
        self.trigger = trigger
        self.nextFire = nextFire
        self.user = user
        self.firstAttempt = firstAttempt
        self.local = local
        self.onStart = onStart
    }

    /// A manual run of `job` by `user` (`jobctl trigger`, the HTTP trigger).
    public static func manual(_ job: JobDefinition, user: String?, local: LocalRuns = .none) -> RunRequest {
        RunRequest(job: job, fire: nil, trigger: .manual, user: user, local: local)
    }

    /// The overlap policy's say on this request.
    public var overlap: OverlapDecision {
        OverlapDecision.decide(job.overlap, trigger: trigger, local: local)
    }
}
