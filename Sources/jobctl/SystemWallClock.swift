import Foundation
import JobctlTime

/// The real wall clock: the only place that reads the system time for the scheduler, shifted by
/// `JOBCTL_CLOCK_OFFSET` (tests of clock skew only; `ClockOffset`).
struct SystemWallClock: WallClock {
    private let offset = TimeInterval(ClockOffset.milliseconds) / 1000

    func now() -> Date { Date().addingTimeInterval(offset) }

    func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSince(now())
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
        try Task.checkCancellation()
    }
}
