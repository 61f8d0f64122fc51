import Foundation
import GRDB
import JobctlConfig
import JobctlTime

/// Creates a realistic, deterministic arcade database for demos, benchmarks and tests.
///
/// - 5 games with their own prices (1 to 5 cents) and score ranges, thousands of players
///   (a few play a lot), sessions spread uniformly over the last `days` days;
/// - about 88 % completed (score, `completed_at`), the rest `active`: abandoned ones older
///   than 30 minutes (cleanup deletes them) and a few still playing;
/// - daily, weekly and alltime entries for every completed session, a few orphaned entries
///   (their session is gone);
/// - pools per game and period whose `total_amount` is 70 % of that period's payments,
///   all still `active`, so that the first `prizepool` run finalizes the past ones (only for
///   periods with an entry that can win);
/// - about 5 % of old history, 100 to 128 days back: finalized pools with their payouts and
///   entries old enough for cleanup to archive.
///
/// Everything happens in one transaction with reused prepared statements; entries, pools and
/// indexes are built by SQL from the sessions. The file is written without a journal (it is
/// new; it is deleted if anything fails) and switched to WAL at the end.
public enum DemoData {
    public static let prices: [String: Int64] = [
        "snake": 10_000, "tetris": 25_000, "pong": 10_000, "breakout": 20_000, "space_invaders": 50_000,
    ]
    static let maxScores: [String: Double] = [
        "snake": 400, "tetris": 250_000, "pong": 21, "breakout": 5_000, "space_invaders": 60_000,
    ]

    /// `progress` hears each phase as it ends ("sessions", "entries", …), for `--verbose`.
    public static func create(
        path: String, now: Date, options: DemoDataOptions, progress: ((String) -> Void)? = nil
    ) throws -> DemoDataSummary {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let size = (try? fm.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size > 0 && !options.force {
                throw ArcadeDatabaseError(path: path, message: "exists and is not empty; use --force to replace it")
            }
        }
        let files = ["", "-wal", "-shm", "-journal"].map { path + $0 }
        // Regular files only: a directory or a symlink at these names is refused, never deleted.
        do { try FileSafety.removeRegularFiles(files) } catch {
            throw ArcadeDatabaseError(path: path, message: "cannot replace it: \(error.description)")
        }
        do {
            return try generate(path: path, now: now, options: options, progress: progress ?? { _ in })
        } catch {
            try? FileSafety.removeRegularFiles(files)
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
    }

    /// Writes the demo database in one transaction (journal off until the end: a failed run
    /// leaves a file that `create` removes). Deterministic for a seed: the random draws come in
    /// a fixed order (players, creation times, sessions, orphans).
    static func generate(
        path: String, now: Date, options: DemoDataOptions, progress: (String) -> Void
    ) throws -> DemoDataSummary {
        var config = Configuration()
        config.label = "demo-data"
        let queue = try DatabaseQueue(path: path, configuration: config)
        var rng = SplitMix64(seed: options.seed)
        let plan = DemoPlan(now: now, options: options)
        var summary = DemoDataSummary()
        summary.players = plan.playerCount
        let players: [String] = (0..<plan.playerCount).map { _ in
            "0x" + hex(rng.next()) + hex(rng.next()) + String(hex(rng.next()).prefix(8))
        }
        let times = sessionTimes(plan, &rng)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;")
            try db.inTransaction(.immediate) {
                try ArcadeSchema.createTables(db)
                try insertSessions(db, plan, players: players, times: times, rng: &rng, summary: &summary)
                progress("sessions")
                try insertEntries(db, plan)
                progress("entries")
                summary.orphanedEntries = try insertOrphans(db, plan, players: players, rng: &rng)
                try insertPools(db, plan)
                progress("orphans and pools")
                try ArcadeSchema.createIndexes(db)
                progress("indexes")
                try payOldHistory(db, plan)
                progress("old payouts")
                try count(db, into: &summary)
                return .commit
            }
            progress("commit")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try queue.close()
        return summary
    }

    /// `date(column, CASE … END)`: the local calendar date of a UTC timestamp column, with the
    /// zone's offsets between `from` and `to` written out as SQL (one branch per transition).
    static func localDateSQL(_ column: String, zone: TimeZone, from: Date, to: Date) -> String {
        var branches: [String] = []
        var cursor = from
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < to {
            let offset = zone.secondsFromGMT(for: cursor)
            branches.append(
                "WHEN \(column) < '\(ArcadeTime.timestamp(next))' THEN '\(offset >= 0 ? "+" : "")\(offset) seconds'")
            cursor = next
        }
        let last = zone.secondsFromGMT(for: cursor)
        let lastModifier = "'\(last >= 0 ? "+" : "")\(last) seconds'"
        if branches.isEmpty { return "date(\(column), \(lastModifier))" }
        return "date(\(column), CASE \(branches.joined(separator: " ")) ELSE \(lastModifier) END)"
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    package static func hex(_ value: UInt64) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        var v = value
        for i in stride(from: 15, through: 0, by: -1) {
            bytes[i] = hexDigits[Int(v & 0xF)]
            v >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A version-7 UUID (time-ordered, as modern backends use): 48 bits of Unix milliseconds,
    /// then random bits. Sessions made in time order are then appended to the primary-key
    /// index instead of inserted at random places, which makes the demo data much faster.
    static func uuid7(milliseconds: Int64, _ rng: inout SplitMix64) -> String {
        let random = rng.next()
        let high = (UInt64(bitPattern: milliseconds) << 16) | 0x7000 | (random & 0x0FFF)
        let low = (rng.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes = [UInt8]()
        bytes.reserveCapacity(36)
        for i in 0..<16 {
            let byte = UInt8(truncatingIfNeeded: i < 8 ? high >> (56 - 8 * UInt64(i)) : low >> (56 - 8 * UInt64(i - 8)))
            if i == 4 || i == 6 || i == 8 || i == 10 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A version-4 UUID from the generator.
    package static func uuid(_ rng: inout SplitMix64) -> String {
        let a = rng.next()
        let b = rng.next()
        var bytes = [UInt8]()
        bytes.reserveCapacity(36)
        for i in 0..<16 {
            var byte = UInt8(truncatingIfNeeded: (i < 8 ? a >> (8 * UInt64(i)) : b >> (8 * UInt64(i - 8))))
            if i == 6 { byte = (byte & 0x0F) | 0x40 }
            if i == 8 { byte = (byte & 0x3F) | 0x80 }
            if i == 4 || i == 6 || i == 8 || i == 10 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
