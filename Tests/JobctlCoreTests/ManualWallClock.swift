import Foundation
import Synchronization

@testable import JobctlTime

/// A wall clock that only moves when the test says so. Sleepers wake when `advance(to:)`
/// passes their deadline; `waitForSleepers` lets a test wait until the code under test is idle.
final class ManualWallClock: WallClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
        var id: UUID
    }
    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
    }
    private let state: Mutex<State>

    init(_ start: Date) { state = Mutex(State(now: start)) }

    func now() -> Date { state.withLock { $0.now } }

    func sleep(until deadline: Date) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.now >= deadline { return true }
                    s.sleepers.append(Sleeper(deadline: deadline, continuation: continuation, id: id))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { s -> Sleeper? in
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: i)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Sets the clock (forward or back) and wakes every sleeper whose deadline has passed.
    func set(_ date: Date) {
        let due = state.withLock { s -> [Sleeper] in
            s.now = date
            let due = s.sleepers.filter { $0.deadline <= date }
            s.sleepers.removeAll { $0.deadline <= date }
            return due
        }
        due.forEach { $0.continuation.resume() }
    }

    var earliestDeadline: Date? { state.withLock { $0.sleepers.map(\.deadline).min() } }
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }
}

/// Polls `condition` for up to `seconds` of real time, without blocking a thread.
///
/// The bound is a hang guard, not a timing assertion: every use expects the condition to hold
/// and returns as soon as it does. It is generous because in a full parallel `swift test` on
/// 2 cores, end-to-end tests that wait synchronously for child processes can hold the
/// cooperative pool's threads for tens of seconds (seen: 72 s), and 10 s made overlap tests fail.
func eventually(_ seconds: Double = 180, _ condition: () throws -> Bool) async rethrows -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try condition()
}
