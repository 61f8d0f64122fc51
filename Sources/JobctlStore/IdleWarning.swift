import Foundation
import JobctlTime

/// A money job that has found nothing to do for longer than it should (issue 15: `prizepool`
/// with 0 pools due for two days while the arcade has sessions). A warning, not an error: the
/// runs succeeded, yet nothing was paid.
///
/// The rule, for a job with a work counter (`JobExpectation.workCounter`) and an idle window
/// `W` (`JobExpectation.idleAfterSeconds`), at `now`:
/// - its quiet stretch began at its newest run that found work, or, if none ever did, at its
///   oldest metered run;
/// - the stretch is longer than `W` (so a fresh install, whose first run is recent, never warns);
/// - and a run inside the last `W` found no work while there was activity (`prizepool`:
///   completed sessions in the day before it): an arcade nobody plays is quiet, not idle, and a
///   job that stopped running is the no-success alert's business, not this one's.
public struct IdleWarning: Sendable, Equatable {
    public var job: String
    public var counter: String
    /// The start of the quiet stretch.
    public var since: Date
    public var idleAfterSeconds: Int64
    /// One line: `JOB: no work found (WORK_COUNTER = 0) since …, longer than 2d, while …`.
    public var message: String

    /// The warning for one job, or nil.
    public static func evaluate(_ expectation: JobExpectation, markers: JobWorkMarkers?, now: Date) -> IdleWarning? {
        guard let counter = expectation.workCounter, let window = expectation.idleAfterSeconds, let markers,
            let quiet = markers.lastQuiet
        else { return nil }
        let since = markers.lastWork ?? markers.firstMetered
        let windowStart = now.addingTimeInterval(-Double(window))
        guard since < windowStart, quiet >= windowStart else { return nil }
        var message =
            "\(expectation.job): no work found (\(counter) = 0) since \(HistoryTime.rfc3339(since)), "
            + "longer than \(DurationText.format(milliseconds: window * 1000))"
        if let activity = expectation.activityCounter { message += " while \(activity) > 0" }
        return IdleWarning(
            job: expectation.job, counter: counter, since: since, idleAfterSeconds: window, message: message)
    }

    /// The warnings of every job of `expectations` (config order).
    public static func evaluate(
        _ expectations: [JobExpectation], figures: AlertFigures, now: Date
    ) -> [IdleWarning] {
        expectations.compactMap { evaluate($0, markers: figures.work[$0.job], now: now) }
    }
}
