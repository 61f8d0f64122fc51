import Foundation
import GRDB
import JobctlArcade
import JobctlConfig
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// Running one built-in job directly, without the scheduler, its lock or its history: the
/// hidden `jobctl _run-builtin` that the arcade's end-to-end tests and benchmarks use.
public enum DirectRun {
    public struct Report: Sendable, Codable, Equatable {
        /// `succeeded`, `partial` or `failed`.
        public var status: String
        public var metrics: JobMetrics?
        public var error: String?
        public var durationMilliseconds: Int64
    }

    public struct OptionError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// A duration as the config writes it (`DurationText`): milliseconds, or nil when malformed.
    public static func parseDuration(_ text: String) -> Int64? {
        DurationText.milliseconds(text)
    }

    /// Validates `key=value` pairs against the job's option specs, as the config does
    /// (`OptionValueParser`).
    public static func parseOptions(_ pairs: [String], for job: BuiltinJobKind) throws -> [String: JobOptionValue] {
        do {
            return try OptionValueParser.builtinOptions(pairs, for: job)
        } catch {
            throw OptionError(description: error.message)
        }
    }

    /// Runs the job and reports what happened; never throws.
    public static func run(_ job: any BuiltinJob, context: JobContext) async -> Report {
        let started = context.now()
        func elapsed() -> Int64 { Int64((context.now().timeIntervalSince(started) * 1000).rounded()) }
        do {
            let result = try await job.run(context)
            return Report(
                status: result.partialFailure == nil ? "succeeded" : "partial", metrics: result.metrics,
                error: result.partialFailure, durationMilliseconds: elapsed())
        } catch let failure as JobFailure {
            return Report(
                status: "failed", metrics: failure.metrics, error: failure.message, durationMilliseconds: elapsed())
        } catch {
            return Report(status: "failed", metrics: nil, error: "\(error)", durationMilliseconds: elapsed())
        }
    }
}

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
