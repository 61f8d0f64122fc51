import Foundation

/// Whole seconds and milliseconds of `Date`s: the conversions of the scheduler and the runner,
/// rounding stated here once (seconds floor; millisecond differences to the nearest).
extension Date {
    /// Whole Unix seconds (floor).
    public var unixSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }

    public init(unixSeconds: Int64) { self.init(timeIntervalSince1970: Double(unixSeconds)) }

    public func addingMilliseconds(_ ms: Int64) -> Date { addingTimeInterval(Double(ms) / 1000) }

    public func milliseconds(since other: Date) -> Int64 {
        Int64((timeIntervalSince(other) * 1000).rounded())
    }
}
