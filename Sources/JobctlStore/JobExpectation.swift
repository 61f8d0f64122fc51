import Foundation
import JobctlConfig
import JobctlTime

/// What a job of the config is expected to do, for the alert metrics and the idle warning
/// (docs/alerts.md). Computed from the config and a wall-clock instant; no I/O.
public struct JobExpectation: Sendable, Equatable {
    public var job: String
    /// The longest gap between two consecutive fires in the 8 days after now (seconds): a
    /// weekday schedule's weekend, a daily job's 25-hour DST day. nil for `@reboot`, disabled
    /// jobs and schedules that fire at most once more: nothing is expected of them.
    public var intervalSeconds: Int64?
    /// A run still going after this long is overdue: the job's `timeout=` when it has one,
    /// else its interval (it would run into its next fire).
    public var overdueAfterSeconds: Int64?
    /// `BuiltinJob.workCounter` of a built-in job; nil for commands and jobs without one.
    public var workCounter: String?
    public var activityCounter: String?
    /// For a job with a work counter: how long its runs may find no work before the idle
    /// warning, `max(2 × interval, 2 days)` (work such as a daily pool comes at most once a
    /// day, so one quiet day is normal).
    public var idleAfterSeconds: Int64?

    /// The idle window's floor: two days.
    public static let minimumIdleSeconds: Int64 = 172_800

    public init(
        job: String, intervalSeconds: Int64?, overdueAfterSeconds: Int64?, workCounter: String? = nil,
        activityCounter: String? = nil
    ) {
        self.job = job
        self.intervalSeconds = intervalSeconds
        self.overdueAfterSeconds = overdueAfterSeconds
        self.workCounter = workCounter
        self.activityCounter = activityCounter
        if workCounter != nil, let intervalSeconds {
            let (double, overflow) = intervalSeconds.multipliedReportingOverflow(by: 2)
            idleAfterSeconds = max(overflow ? Int64.max : double, Self.minimumIdleSeconds)
        }
    }

    public init(_ definition: JobDefinition, now: Date) {
        let interval =
            definition.enabled ? definition.schedule.longestInterval(after: now, in: definition.zone) : nil
        var work: String?
        var activity: String?
        if case .builtin(let kind, _) = definition.action {
            work = kind.workCounter
            activity = kind.activityCounter
        }
        let timeout = definition.timeoutMilliseconds.map { max(1, $0 / 1000) }
        self.init(
            job: definition.name, intervalSeconds: interval,
            overdueAfterSeconds: interval == nil ? nil : timeout ?? interval,
            workCounter: work, activityCounter: activity)
    }

    /// Every job of `config`, in config order.
    public static func all(_ config: JobsConfig, now: Date) -> [JobExpectation] {
        config.jobs.map { JobExpectation($0, now: now) }
    }
}

extension Schedule {
    /// The longest gap, in seconds, between consecutive fires from the first fire after `date`
    /// until 8 days later (a week and its DST day), at most 12,000 fires (every minute for 8
    /// days); past 8 days, the one gap that crosses it (a monthly or yearly job). nil when the
    /// schedule fires fewer than twice more.
    public func longestInterval(after date: Date, in zone: ZoneRules) -> Int64? {
        switch kind {
        case .reboot:
            return nil
        case .every(let seconds):
            return seconds
        case .cron:
            guard var previous = nextFire(after: Int64(date.timeIntervalSince1970.rounded(.down)), in: zone) else {
                return nil
            }
            let horizon = previous + 8 * 86_400
            var longest: Int64?
            for _ in 0..<12_000 {
                guard let next = nextFire(after: previous, in: zone) else { break }
                longest = max(longest ?? 0, next - previous)
                previous = next
                if next >= horizon { break }
            }
            return longest
        }
    }
}
