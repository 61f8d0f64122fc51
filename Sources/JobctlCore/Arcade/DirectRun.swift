import Foundation
import GRDB
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

    /// `90s`, `10m`, `1h30m`, `90d`, `500ms`: milliseconds, or nil when malformed.
    public static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        var rest = Substring(text)
        var total: Int64 = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let (unit, factor) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            let (product, overflow) = value.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            total += product
        }
        return total
    }

    /// Validates `key=value` pairs against the job's option specs.
    public static func parseOptions(_ pairs: [String], for job: BuiltinJobKind) throws -> [String: JobOptionValue] {
        var result: [String: JobOptionValue] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "=") else {
                throw OptionError(description: "option '\(pair)' is not key=value")
            }
            let key = String(pair[..<eq])
            let text = String(pair[pair.index(after: eq)...])
            guard let spec = job.options.first(where: { $0.name == key }) else {
                let known = job.options.map(\.name).joined(separator: ", ")
                throw OptionError(description: "\(job.name) has no option '\(key)' (options: \(known.isEmpty ? "none" : known))")
            }
            switch spec.kind {
            case .duration:
                guard let ms = parseDuration(text) else {
                    throw OptionError(description: "\(key): '\(text)' is not a duration like 90s, 30m, 1h30m or 90d")
                }
                result[key] = .duration(milliseconds: ms)
            case .integer(let range):
                guard let n = Int(text), range.contains(n) else {
                    throw OptionError(description: "\(key): '\(text)' is not an integer in \(range.lowerBound)-\(range.upperBound)")
                }
                result[key] = .integer(n)
            case .boolean:
                guard let b = ["true": true, "false": false][text] else {
                    throw OptionError(description: "\(key): '\(text)' is not true or false")
                }
                result[key] = .boolean(b)
            }
        }
        return result
    }

    /// Runs the job and reports what happened; never throws.
    public static func run(_ job: BuiltinJobKind, options: [String: JobOptionValue], context: JobContext) async -> Report {
        let started = context.now()
        func elapsed() -> Int64 { Int64((context.now().timeIntervalSince(started) * 1000).rounded()) }
        do {
            let result = try await job.make(options).run(context)
            return Report(
                status: result.partialFailure == nil ? "succeeded" : "partial", metrics: result.metrics,
                error: result.partialFailure, durationMilliseconds: elapsed())
        } catch let failure as JobFailure {
            return Report(status: "failed", metrics: failure.metrics, error: failure.message, durationMilliseconds: elapsed())
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
                    if stats.transactions % 16 == 0, let stopFile, FileManager.default.fileExists(atPath: stopFile) { break }
                    let t0 = now()
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    let t1 = now()
                    do {
                        try insert.execute(arguments: [
                            DemoData.uuid(&rng), ArcadeSchema.games[rng.below(5)],
                            "0x" + DemoData.hex(rng.next()) + DemoData.hex(rng.next()) + String(DemoData.hex(rng.next()).prefix(8)),
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
                    stats.maxTransactionMilliseconds = max(stats.maxTransactionMilliseconds, t2.timeIntervalSince(t0) * 1000)
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
