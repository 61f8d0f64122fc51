import Foundation
import Logging

/// Keeps runs of one job apart: an exclusive guard for a run that must be alone, shared ones
/// for `overlap=allow` runs. Today `LockFileRunGuard` (a `flock`ed file per job, one host); a
/// guard across hosts (issue 11: a database row per running claim, under a lease) implements the
/// same. The runner holds the returned guard for the whole run and releases it by dropping it.
public protocol RunGuard: Sendable {
    /// Takes the job's guard without waiting: `.held` (keep it alive for the run) or `.busy`
    /// with whatever the holder left to name itself. Throws when the guard cannot be examined
    /// at all (an unsafe or unreadable lock file); the run is then recorded as failed.
    func acquire(job: String, exclusive: Bool, owner: String) throws -> RunGuardAttempt

    /// True when nobody holds the job's guard. Recovery of `running` rows trusts it: a row of a
    /// job whose guard is free belongs to a dead run.
    func isFree(job: String) -> Bool

    /// True when the only holders are leftovers of a dead run of the job (with `flock`:
    /// processes of a command whose jobctl died; see `OrphanedRuns`). Cheap, no side effect.
    func onlyLeftoversHold(job: String) -> Bool

    /// `isFree`, after ending the leftovers of a dead run that hold the guard, if that is the
    /// case. Blocks (up to a grace period): call it off Swift's cooperative pool.
    func isFreeEndingLeftovers(job: String, logger: Logger?) -> Bool
}
