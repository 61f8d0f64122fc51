import Foundation
import JobctlPostgresStore
import JobctlTime
import Synchronization

/// A PostgreSQL node's clock (`FIRE_LOOP`, docs/several-hosts.md §5.2 and §7.1): the database's
/// time as this node estimates it, i.e. its own clock plus the offset measured against the
/// database's `now()` when it starts and at every heartbeat (half the round trip taken as the
/// one-way delay). The scheduler plans, sleeps and records by it, so a node whose clock is off
/// neither skips the fires of its first seconds (a clock ahead planned from its own later time)
/// nor wakes early only to be refused `NOT_DUE`. The claim's `due` check in the database stays
/// the rule: this estimate only decides when to ask.
final class DatabaseTimedClock: WallClock {
    private let base: SystemWallClock
    private let offset = Mutex<TimeInterval>(0)

    init(base: SystemWallClock) {
        self.base = base
    }

    func now() -> Date { base.now().addingTimeInterval(offset.withLock { $0 }) }

    func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSince(now())
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
        try Task.checkCancellation()
    }

    /// Measures the offset against `store`'s `now()` and keeps it; returns it in seconds. On an
    /// error the previous offset stays.
    @discardableResult
    func sync(with store: PostgresStateStore) throws -> TimeInterval {
        let before = base.now()
        let database = try store.databaseNow()
        let after = base.now()
        let measured = database.timeIntervalSince(before.addingTimeInterval(after.timeIntervalSince(before) / 2))
        offset.withLock { $0 = measured }
        return measured
    }
}
