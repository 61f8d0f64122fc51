import JobctlConfig
import JobctlStore

/// What the overlap policy says about one run request: the one place it is decided
/// (issue 10: it used to be decided by the scheduler and again by the runner).
public enum OverlapDecision: Sendable, Equatable {
    /// Run, under the job's guard taken exclusively or shared (`overlap=allow`).
    case run(exclusive: Bool)
    /// Don't run: the fire is recorded `skipped` with this reason.
    case skip(reason: String)
    /// Don't run now: the caller keeps the fire for after its run (`overlap=queue`).
    case queue
    /// Don't run and record nothing: a manual run of a job this process is running (the HTTP
    /// trigger answers "already running").
    case refuse

    /// Decisions:
    /// - Fires of the schedule (`schedule`, `catchup`, `retry`) follow `overlap=` when this
    ///   process has a run of the job under way, or a fire of it waiting for a slot; a fire
    ///   waiting for a slot counts as the job's run, and gives the skip its reason.
    /// - `overlap=allow` runs share the guard among themselves; every other run takes it
    ///   exclusively, so a run of another process (a lock held) is found by the guard.
    /// - A manual run or a backfill is exclusive whatever `overlap=` says, and is refused without
    ///   a row when this process runs the job (a fire waiting for a slot does not stop it).
    public static func decide(_ policy: OverlapPolicy, trigger: TriggerKind, local: LocalRuns) -> Self {
        if trigger == .manual || trigger == .backfill {
            return local.running > 0 ? .refuse : .run(exclusive: true)
        }
        guard local.isBusy else { return .run(exclusive: policy != .allow) }
        switch policy {
        case .skip:
            return .skip(
                reason: local.waitingForSlot
                    ? "previous fire still waiting for a free slot (MAX_CONCURRENT)"
                    : "previous run still running (overlap=skip)")
        case .queue: return .queue
        case .allow: return .run(exclusive: false)
        }
    }
}
