import Foundation

/// An instant on the fire path, from the scheduler through the runner to the store: whole
/// milliseconds since the Unix epoch (UTC). A fire is an `Instant` from the moment the plan
/// computes it (`Schedule.nextFire(after:in:)`, whole seconds, exact) to the store's fire key
/// (`scheduled_for`, milliseconds), with no conversion on the way.
///
/// The one millisecond rounding rule (issue 10: a fire used to go Date → Int64 s → Date →
/// Int64 ms, rounded down in one place and to the nearest in another): a `Date` becomes an
/// `Instant` by `init(date:)` only, which rounds to the nearest microsecond (a `Date`'s double
/// carries about a quarter of a microsecond today; this absorbs its error, so that 1.234 s is
/// 1234 ms, not 1233) and then **down** to the millisecond: an instant is never later than the
/// clock reading it came from, so no fire is taken as due early. `HistoryTime.milliseconds`,
/// which every stored instant goes through, is this rule.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The rule above. A `Date` beyond ±292 million years (not a clock reading) is clamped.
    public init(date: Date) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let bound = Double(Int64.max / 2)
        let clamped = Int64(min(max(micros, -bound), bound))
        milliseconds = clamped >= 0 ? clamped / 1000 : -((-clamped + 999) / 1000)
    }

    /// A whole Unix second.
    public init(unixSeconds: Int64) {
        milliseconds = unixSeconds.multipliedReportingOverflow(by: 1000).overflow ? .max : unixSeconds * 1000
    }

    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// Whole Unix seconds (down, also before 1970).
    public var unixSeconds: Int64 {
        milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000)
    }

    public func adding(milliseconds ms: Int64) -> Instant {
        Instant(milliseconds: milliseconds.addingReportingOverflow(ms).overflow ? .max : milliseconds + ms)
    }

    /// `self − other` in milliseconds.
    public func milliseconds(since other: Instant) -> Int64 {
        let (difference, overflow) = milliseconds.subtractingReportingOverflow(other.milliseconds)
        return overflow ? .max : difference
    }

    public static func < (a: Instant, b: Instant) -> Bool { a.milliseconds < b.milliseconds }

    /// RFC 3339 in UTC with milliseconds (`TimeText.rfc3339UTC`).
    public var description: String { TimeText.rfc3339UTC(milliseconds: milliseconds) }
}
