import Foundation

/// The wall clock, injected: the scheduler never reads the system clock itself, so a test can
/// play a whole DST day in milliseconds with a manual clock. (Not named `Clock`, which would
/// shadow Swift's own.)
public protocol WallClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Returns when the wall clock reads `deadline` or later (it may return earlier; callers
    /// re-read `now()`). Throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

extension WallClock {
    public func sleep(for milliseconds: Int64) async throws {
        try await sleep(until: now().addingTimeInterval(Double(milliseconds) / 1000))
    }
}
