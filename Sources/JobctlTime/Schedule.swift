import Foundation

/// A job's schedule: a cron expression, a fixed interval, or `@reboot`.
public struct Schedule: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case cron(CronExpression)
        /// `@every DURATION`: fixed intervals of real time counted from the Unix epoch, so
        /// that every process agrees on the fire times.
        case every(seconds: Int64)
        /// Once, when the scheduler starts.
        case reboot
    }

    /// The schedule as written.
    public let text: String
    public let kind: Kind

    package init(text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }

    public var description: String { text }

    /// Fixed-time schedules fire once at the end of a spring-forward gap and once at the first
    /// occurrence of a repeated time; periodic ones skip the gap and fire at both occurrences.
    public var isPeriodic: Bool {
        switch kind {
        case .cron(let e): e.isPeriodic
        case .every: true
        case .reboot: false
        }
    }

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]

    /// Parses a schedule: 5 or 6 cron fields, a macro, `@every DURATION` or `@reboot`.
    public static func parse(_ text: String) throws(CronError) -> Schedule {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lead = text.prefix { $0 == " " || $0 == "\t" }.count
        guard trimmed.hasPrefix("@") else {
            return Schedule(text: trimmed, kind: .cron(try CronExpression.parse(trimmed)))
        }
        let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let name = parts[0].lowercased()
        let nameSpan = lead..<lead + parts[0].count
        if name == "@every" {
            guard parts.count == 2 else {
                throw CronError("@every takes one duration, e.g. '@every 90s' or '@every 1h30m'", span: nameSpan)
            }
            let argumentStart =
                lead
                + (trimmed.range(of: parts[1]).map { trimmed.distance(from: trimmed.startIndex, to: $0.lowerBound) }
                    ?? 0)
            let argumentSpan = argumentStart..<argumentStart + parts[1].count
            guard let ms = DurationText.milliseconds(parts[1]) else {
                throw CronError("@every: '\(parts[1])' is not a duration (e.g. 90s, 10m, 1h30m)", span: argumentSpan)
            }
            guard ms >= 1000, ms % 1000 == 0 else {
                throw CronError(
                    "@every: the interval must be a whole number of seconds, at least 1s", span: argumentSpan)
            }
            return Schedule(text: "@every \(parts[1])", kind: .every(seconds: ms / 1000))
        }
        guard parts.count == 1 else {
            throw CronError("\(parts[0]) takes no arguments", span: nameSpan.upperBound..<lead + trimmed.count)
        }
        if name == "@reboot" { return Schedule(text: "@reboot", kind: .reboot) }
        guard let expansion = macros[name] else {
            throw CronError(
                "unknown macro '\(parts[0])' (known: @yearly @annually @monthly @weekly @daily @midnight @hourly @every @reboot)",
                span: nameSpan)
        }
        return Schedule(text: name, kind: .cron(try CronExpression.parse(expansion)))
    }

    /// The first fire strictly after instant `t` (Unix seconds) in `zone`; nil for `@reboot`.
    ///
    /// The search walks the zone's segments of constant offset. Within a segment wall-clock
    /// time is `instant + offset`, so the cron fields are matched on wall-clock seconds. At a
    /// transition the DST policy of docs/schedules.md applies:
    /// - spring forward (gap): a fixed-time schedule whose time falls in the gap fires once, at
    ///   the end of the gap (several times swallowed by one gap fire once); a periodic one does
    ///   not fire;
    /// - fall back (overlap): a fixed-time schedule fires at the first occurrence only; a
    ///   periodic one fires at both.
    public func nextFire(after t: Int64, in zone: ZoneRules) -> Int64? {
        switch kind {
        case .reboot:
            return nil
        case .every(let period):
            return (Civil.floorDiv(t, period) + 1) * period
        case .cron(let e):
            let fixedTime = !e.isPeriodic
            var segment = zone.segment(containing: t)
            var lo = t + 1 + segment.offset
            if fixedTime, segment.previousOffset > segment.offset, segment.start != Int64.min {
                // Fall back: the repeated wall-clock times already fired at their first occurrence.
                lo = max(lo, segment.start + segment.previousOffset)
            }
            // Bounded: a parsed expression matches within 400 years; zones have a few
            // transitions a year.
            for _ in 0..<4000 {
                let hi = segment.end == Int64.max ? Int64.max : segment.end + segment.offset
                if let local = e.nextLocal(atOrAfter: lo, before: hi) {
                    return local - segment.offset
                }
                guard segment.end != Int64.max else { return nil }
                let next = zone.segment(after: segment)
                if fixedTime, next.offset > segment.offset,
                    e.nextLocal(atOrAfter: segment.end + segment.offset, before: segment.end + next.offset) != nil
                {
                    // Spring forward: fire once, at the end of the gap.
                    return segment.end
                }
                lo = next.start + next.offset
                if fixedTime, next.offset < segment.offset {
                    lo = segment.end + segment.offset  // skip the second occurrence
                }
                segment = next
            }
            return nil
        }
    }

    public func nextFire(after date: Date, in zone: ZoneRules) -> Date? {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        return nextFire(after: t, in: zone).map { Date(timeIntervalSince1970: Double($0)) }
    }
}
