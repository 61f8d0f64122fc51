import Foundation
import JobctlTime

/// The real wall clock: the only place that reads the system time for the scheduler.
struct SystemWallClock: WallClock {
    func now() -> Date { Date() }

    func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
        try Task.checkCancellation()
    }
}
