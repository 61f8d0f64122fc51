import Foundation
import JobctlStore

extension Scheduler {
    /// The scheduler's part of the HTTP status in one call: `snapshot()` and
    /// `expectations(moneyJobsOnly:)` judged at the same instant, so the status asks this actor
    /// once.
    public func statusView(
        moneyJobsOnly: Bool
    ) -> (snapshot: SchedulerSnapshot, now: Date, expectations: [JobExpectation]) {
        let (now, expectations) = expectations(moneyJobsOnly: moneyJobsOnly)
        return (snapshot(), now, expectations)
    }
}
