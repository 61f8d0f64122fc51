import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// What `jobctl backfill JOB --from T --to T` runs: each fire of the job's schedule in
/// (`from`, `to`] without a succeeded run, oldest first, each with its next attempt number.
///
/// Decisions:
/// - A fire "has a succeeded row" when any attempt recorded for it with a fire trigger
///   (schedule, catch-up, retry, backfill) ended `succeeded`. Failed, timed-out, partial,
///   interrupted and skipped fires are run again, as are fires never recorded.
/// - A fire recorded before gets the attempt after its last one: the fire key (job, fire,
///   attempt) of `StateStore.claim` is unique, so a backfill never collides with the record it
///   repairs, and a second backfill of the same fire gets yet another attempt.
/// - Only past fires: `to` later than now is refused (a fire still to come is the
///   scheduler's). `from` must be before `to`.
/// - `max` bounds the fires to **run**, not the fires in the range: an hourly job's week with
///   three failures is three runs. The walk over the range stops once more than `max` are
///   found, and at `walkLimit` fires in all, so a huge range costs bounded time.
public struct BackfillPlan: Sendable, Equatable {
    /// One fire to run.
    public struct Fire: Sendable, Equatable {
        public var scheduledAt: Date
        /// The attempt number its claim will carry.
        public var attempt: Int
        /// The fire was recorded before (and did not succeed).
        public var recorded: Bool
    }

    public var job: String
    public var fires: [Fire]
    /// Fires in the range that already succeeded (not run again).
    public var succeeded: Int

    /// Fires in one range that the plan looks at, at most.
    public static let walkLimit = 1_000_000
    /// Fires looked up in the store at once.
    static let chunk = 5_000

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case emptyRange(from: String, to: String)
        case toInTheFuture(to: String, now: String)
        case reboot(job: String)
        case noFires(job: String, from: String, to: String, schedule: String)
        case tooMany(job: String, max: Int)
        case rangeTooLong(job: String)

        /// One line, for `jobctl: error: `.
        public var description: String {
            switch self {
            case .emptyRange(let from, let to):
                "--from \(from) is not before --to \(to): the range (from, to] has no time in it"
            case .toInTheFuture(let to, let now):
                "--to \(to) is after now (\(now)): backfill runs past fires only"
            case .reboot(let job): "job '\(job)' runs @reboot: it has no fires to backfill"
            case .noFires(let job, let from, let to, let schedule):
                "job '\(job)' has no fire in (\(from), \(to)] (schedule \(schedule)); nothing ran"
            case .tooMany(let job, let max):
                "more than \(max) fires of job '\(job)' in that range have no succeeded run; "
                    + "narrow the range or raise --max; nothing ran"
            case .rangeTooLong(let job):
                "the range holds more than \(BackfillPlan.walkLimit) fires of job '\(job)'; narrow it; nothing ran"
            }
        }
    }

    /// The plan for `job` over (`from`, `to`], judged at `now`, reading what is recorded from
    /// `ledger`.
    public static func make(
        job: JobDefinition, from: Date, to: Date, now: Date, max: Int, ledger: any FireLedger
    ) throws -> BackfillPlan {
        let text = { (date: Date) in TimeText.rfc3339(date.unixSeconds, in: job.zone) }
        guard from < to else { throw Problem.emptyRange(from: text(from), to: text(to)) }
        guard to <= now else { throw Problem.toInTheFuture(to: text(to), now: text(now)) }
        guard !job.isReboot else { throw Problem.reboot(job: job.name) }
        var plan = BackfillPlan(job: job.name, fires: [], succeeded: 0)
        var cursor = from
        var walked = 0
        while true {
            let batch = fires(of: job, after: cursor, through: to, limit: chunk)
            guard let last = batch.last else { break }
            walked += batch.count
            let recorded = try ledger.recordedFires(job: job.name, after: cursor, through: last)
            let byFire = Dictionary(recorded.map { ($0.scheduledAt, $0) }, uniquingKeysWith: { a, _ in a })
            for fire in batch {
                if let record = byFire[fire], record.succeeded {
                    plan.succeeded += 1
                    continue
                }
                let record = byFire[fire]
                plan.fires.append(
                    Fire(scheduledAt: fire, attempt: (record?.lastAttempt ?? 0) + 1, recorded: record != nil))
                if plan.fires.count > max { throw Problem.tooMany(job: job.name, max: max) }
            }
            if walked >= walkLimit { throw Problem.rangeTooLong(job: job.name) }
            cursor = last
        }
        if plan.fires.isEmpty, plan.succeeded == 0 {
            throw Problem.noFires(job: job.name, from: text(from), to: text(to), schedule: job.schedule.text)
        }
        return plan
    }

    /// Up to `limit` fires of `job` in (`after`, `through`].
    static func fires(of job: JobDefinition, after: Date, through: Date, limit: Int) -> [Date] {
        var result: [Date] = []
        var t = after
        while result.count < limit, let next = job.nextFire(after: t), next <= through {
            result.append(next)
            t = next
        }
        return result
    }
}
