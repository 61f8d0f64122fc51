import Foundation
import JobctlConfig
import JobctlTime

/// What is due when: each enabled job's next fire. Pure — the scheduler loop asks it
/// `takeDue(at: clock.now())` and `nextDue`, so a test can play a whole DST day without
/// sleeping.
///
/// Each job's next fire comes from its previous *scheduled* fire, never from when the loop
/// woke: a late wake-up neither skips nor doubles a fire, and a wall clock that jumps back
/// doesn't repeat fires (the next one is still ahead). When a wake finds several fires of one
/// job due (the clock jumped forward, or the machine slept), the latest runs once and the
/// earlier ones are reported as coalesced — never a burst of runs.
public struct FirePlan: Sendable {
    public struct Entry: Sendable {
        public var job: JobDefinition
        public var next: Instant?
    }

    public private(set) var entries: [Entry]

    /// Plans every enabled timed job from its first fire strictly after `now`.
    public init(jobs: [JobDefinition], after now: Instant) {
        entries = jobs.filter { $0.enabled && !$0.isReboot }.map { Entry(job: $0, next: $0.nextFire(after: now)) }
    }

    /// The earliest next fire of any job; nil when nothing will ever fire.
    public var nextDue: Instant? {
        entries.compactMap(\.next).min()
    }

    /// Takes every fire due at `now` (at most one per job, see the type's note) and advances
    /// those jobs to their following fire.
    public mutating func takeDue(at now: Instant) -> [DueFire] {
        var due: [DueFire] = []
        for i in entries.indices {
            guard var fire = entries[i].next, fire <= now else { continue }
            var following = entries[i].job.nextFire(after: fire)
            var coalesced = 0
            while let f = following, f <= now {
                fire = f
                following = entries[i].job.nextFire(after: f)
                coalesced += 1
            }
            entries[i].next = following
            due.append(DueFire(job: entries[i].job, fire: fire, nextFire: following, coalesced: coalesced))
        }
        return due.sorted { ($0.fire, $0.job.name) < ($1.fire, $1.job.name) }
    }

    /// After a config reload: jobs whose schedule and zone are unchanged keep their next fire;
    /// new or changed jobs start from their first fire after `now`.
    public mutating func replace(jobs: [JobDefinition], now: Instant) {
        let previous = Dictionary(entries.map { ($0.job.name, $0) }, uniquingKeysWith: { a, _ in a })
        entries = jobs.filter { $0.enabled && !$0.isReboot }.map { job in
            if let old = previous[job.name], old.job.schedule == job.schedule,
                old.job.zone.identifier == job.zone.identifier
            {
                return Entry(job: job, next: old.next)
            }
            return Entry(job: job, next: job.nextFire(after: now))
        }
    }

    /// The fire to catch up after downtime: the latest fire after the last recorded one and
    /// at or before `now`, if it is no older than the job's `catchup` window. At most one per
    /// job however long the outage was. With no history at all, the latest fire within the
    /// window counts as missed.
    public static func catchupFire(for job: JobDefinition, lastRecorded: Instant?, now: Instant) -> Instant? {
        guard job.enabled, !job.isReboot, let window = job.catchupMilliseconds else { return nil }
        let windowStart = now.adding(milliseconds: -window)
        var t = max(lastRecorded ?? windowStart, windowStart.adding(milliseconds: -1000))
        var latest: Instant?
        // Walk forward; schedules are fast (tens of ns a fire), and the window bounds the walk.
        var steps = 0
        while let next = job.nextFire(after: t), next <= now, steps < 2_000_000 {
            latest = next
            t = next
            steps += 1
        }
        guard let latest, latest >= windowStart else { return nil }
        if let lastRecorded, latest <= lastRecorded { return nil }
        return latest
    }
}
