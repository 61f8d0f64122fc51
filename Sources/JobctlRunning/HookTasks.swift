import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging
import Synchronization

/// The failure hooks under way in one process, each in a task of its own: started off the
/// path of the run that fired it (its lock already released) and of the scheduler's loop, so a
/// slow or hanging hook delays nothing but itself. The scheduler drains them on shutdown;
/// `jobctl trigger` and `jobctl backfill` wait for them before they exit.
public final class HookTasks: Sendable {
    private let tasks = Mutex<[UUID: Task<Void, Never>]>([:])

    public init() {}

    /// Starts `body` in a task of its own.
    func launch(_ body: @escaping @Sendable () async -> Void) {
        let id = UUID()
        tasks.withLock { tasks in
            // Inserted under the lock before the task can remove itself.
            tasks[id] = Task { [weak self] in
                await body()
                self?.tasks.withLock { _ = $0.removeValue(forKey: id) }
            }
        }
    }

    /// Hooks still under way.
    public var count: Int { tasks.withLock { $0.count } }

    /// Waits for every hook under way (and any they start) to end.
    public func wait() async {
        while let task = tasks.withLock({ $0.values.first }) {
            await task.value
        }
    }

    /// Waits for the hooks up to `limit`, then cancels those still going (each ends its process
    /// group and records `interrupted`) and waits for them to finish recording.
    public func drain(within limit: Duration) async {
        let everything = Task { await self.wait() }
        let timer = Task {
            try? await Task.sleep(for: limit)
            if !Task.isCancelled { self.cancelAll() }
        }
        await everything.value
        timer.cancel()
    }

    /// Cancels every hook under way (each ends its process group and records `interrupted`).
    public func cancelAll() {
        for task in tasks.withLock({ Array($0.values) }) { task.cancel() }
    }
}
