import Foundation
import GRDB
import JobctlArcade
import JobctlConfig
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// A stand-in for the arcade's own writer, for benchmarks: inserts one `active` session per
/// transaction, as fast as it can, with a busy timeout, and records how long it waited for
/// the write lock.
public enum ArcadeWriterSimulation {
    public struct Stats: Sendable, Codable, Equatable {
        public var transactions = 0
        /// Longest time `BEGIN IMMEDIATE` waited for the write lock.
        public var maxLockWaitMilliseconds = 0.0
        /// Longest whole transaction (lock wait, insert, commit).
        public var maxTransactionMilliseconds = 0.0
        public var waitsOver50Milliseconds = 0
        public var waitsOver200Milliseconds = 0
    }

    /// Runs until `seconds` have passed or `stopFile` exists. `now` is the clock.
    public static func run(
        path: String, seconds: Double, stopFile: String?, seed: UInt64, now: @Sendable () -> Date
    ) throws -> Stats {
        var config = Configuration()
        config.busyMode = .timeout(ArcadeDatabase.defaultBusyTimeout)
        var stats = Stats()
        var rng = SplitMix64(seed: seed)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let start = now()
            try queue.writeWithoutTransaction { db in
                let insert = try db.makeStatement(
                    sql: """
                        INSERT INTO game_sessions (id, game_type, player_address, status, amount_paid, created_at)
                        VALUES (?, ?, ?, 'active', 10000, ?)
                        """)
                while now().timeIntervalSince(start) < seconds {
                    if stats.transactions % 16 == 0, let stopFile, FileManager.default.fileExists(atPath: stopFile) {
                        break
                    }
                    let t0 = now()
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    let t1 = now()
                    do {
                        try insert.execute(arguments: [
                            DemoData.uuid(&rng), ArcadeSchema.games[rng.below(5)],
                            "0x" + DemoData.hex(rng.next()) + DemoData.hex(rng.next())
                                + String(DemoData.hex(rng.next()).prefix(8)),
                            ArcadeTime.timestamp(t1),
                        ])
                        try db.execute(sql: "COMMIT")
                    } catch {
                        try? db.execute(sql: "ROLLBACK")
                        throw error
                    }
                    let t2 = now()
                    let wait = t1.timeIntervalSince(t0) * 1000
                    stats.transactions += 1
                    stats.maxLockWaitMilliseconds = max(stats.maxLockWaitMilliseconds, wait)
                    stats.maxTransactionMilliseconds = max(
                        stats.maxTransactionMilliseconds, t2.timeIntervalSince(t0) * 1000)
                    if wait > 50 { stats.waitsOver50Milliseconds += 1 }
                    if wait > 200 { stats.waitsOver200Milliseconds += 1 }
                }
            }
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
        return stats
    }
}
