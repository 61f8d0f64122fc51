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

    static func generate(
        path: String, now: Date, options: DemoDataOptions, progress: (String) -> Void
    ) throws -> DemoDataSummary {
        var config = Configuration()
        config.label = "demo-data"
        let queue = try DatabaseQueue(path: path, configuration: config)
        var rng = SplitMix64(seed: options.seed)
        let nowMs = ArcadeTime.epochMilliseconds(now)
        let dayMs: Int64 = 86_400_000
        let days = max(1, options.days)
        let total = max(0, options.sessions)
        let oldCount = total / 20
        let recentCount = total - oldCount
        let recentStart = nowMs - Int64(days) * dayMs
        let oldStart = nowMs - Int64(max(days + 7, 100) + 28) * dayMs
        let playerCount = max(1000, min(20_000, total / 40))
        var summary = DemoDataSummary()
        summary.players = playerCount

        let players: [String] = (0..<playerCount).map { _ in
            "0x" + hex(rng.next()) + hex(rng.next()) + String(hex(rng.next()).prefix(8))
        }
        let games = ArcadeSchema.games
        let gameWeights = [30, 25, 15, 20, 10]  // percent

        // Creation times sorted, so that rowids follow time as in a real database.
        var times: [Int64] = []
        times.reserveCapacity(total)
        for _ in 0..<recentCount { times.append(recentStart + Int64(rng.below(Int(nowMs - 60_000 - recentStart)))) }
        for _ in 0..<oldCount { times.append(oldStart + Int64(rng.below(Int(28 * dayMs)))) }
        times.sort()

        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;")
            try db.inTransaction(.immediate) {
                try ArcadeSchema.createTables(db)
                let insert = try db.makeStatement(
                    sql: """
                        INSERT INTO game_sessions
                          (id, game_type, player_address, status, amount_paid, score, created_at, completed_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let expiry = nowMs - 30 * 60_000
                for created in times {
                    let weight = rng.below(100)
                    var acc = 0
                    var game = games[0]
                    for (i, w) in gameWeights.enumerated() {
                        acc += w
                        if weight < acc { game = games[i]; break }
                    }
                    // A few whales play a lot: squaring skews toward low indexes.
                    let u = rng.unit()
                    let player = players[min(playerCount - 1, Int(u * u * Double(playerCount)))]
                    let price = prices[game] ?? 10_000
                    let amount = rng.below(10) == 0 ? price * 2 : price
                    let duration = Int64(20_000 + rng.below(15 * 60_000))
                    let isOld = created < recentStart
                    let abandoned = !isOld && rng.below(100) < 11
                    let completed = created + duration
                    let id = uuid7(milliseconds: created, &rng)
                    let createdText = ArcadeTime.timestamp(milliseconds: created)
                    if abandoned || completed > nowMs {
                        try insert.execute(arguments: [id, game, player, "active", amount, nil, createdText, nil])
                        if created < expiry { summary.expiredActiveSessions += 1 }
                    } else {
                        let r = rng.unit()
                        let score = Int64(r * r * (maxScores[game] ?? 1000)) + Int64(rng.below(3))
                        try insert.execute(arguments: [
                            id, game, player, "completed", amount, score, createdText,
                            ArcadeTime.timestamp(milliseconds: completed),
                        ])
                        summary.completedSessions += 1
                    }
                    summary.sessions += 1
                }

                progress("sessions")
                // Entries and pools, with period dates in the zone.
                let zone = options.timeZone
                let fromDate = Date(timeIntervalSince1970: Double(oldStart) / 1000 - 86_400)
                let completedDay = localDateSQL("completed_at", zone: zone, from: fromDate, to: now)
                let createdDay = localDateSQL("created_at", zone: zone, from: fromDate, to: now)
                for (period, expr) in [
                    ("daily", completedDay), ("weekly", "date(\(completedDay), '-6 days', 'weekday 1')"),
                ] {
                    try db.execute(
                        sql: """
                            INSERT INTO leaderboard_entries
                              (session_id, game_type, player_address, score, period_type, period_date, created_at)
                            SELECT id, game_type, player_address, score, '\(period)', \(expr), completed_at
                            FROM game_sessions WHERE status = 'completed'
                            """)
                }
                try db.execute(
                    sql: """
                        INSERT INTO leaderboard_entries
                          (session_id, game_type, player_address, score, period_type, period_date, created_at)
                        SELECT id, game_type, player_address, score, 'alltime', 'alltime', completed_at
                        FROM game_sessions WHERE status = 'completed'
                        """)
                progress("entries")
                // Orphans: entries whose session was lost.
                let orphans = max(5, total / 1000)
                let orphan = try db.makeStatement(
                    sql: """
                        INSERT INTO leaderboard_entries
                          (session_id, game_type, player_address, score, period_type, period_date, created_at)
                        VALUES (?, ?, ?, ?, 'daily', ?, ?)
                        """)
                for _ in 0..<orphans {
                    let created = recentStart + Int64(rng.below(Int(nowMs - 60 * 60_000 - recentStart)))
                    let date = ArcadeTime.dateString(
                        day: ArcadeTime.localDay(of: Date(timeIntervalSince1970: Double(created) / 1000), in: zone))
                    let game = games[rng.below(games.count)]
                    try orphan.execute(arguments: [
                        uuid(&rng), game, players[rng.below(playerCount)],
                        Int64(rng.below(Int(maxScores[game] ?? 1000))), date,
                        ArcadeTime.timestamp(milliseconds: created),
                    ])
                }
                summary.orphanedEntries = orphans
                for (period, expr) in [
                    ("daily", createdDay), ("weekly", "date(\(createdDay), '-6 days', 'weekday 1')"),
                ] {
                    // Only for periods with an entry that can win: a pool with money and no
                    // eligible entry is an error for prizepool (no session completed in that
                    // period, e.g. a quiet day of a small demo).
                    try db.execute(
                        sql: """
                            INSERT INTO prize_pools (game_type, period_type, period_date, total_amount, status)
                            SELECT g, '\(period)', d, total, 'active' FROM (
                              SELECT game_type AS g, \(expr) AS d, SUM(amount_paid) * 7 / 10 AS total
                              FROM game_sessions GROUP BY g, d)
                            WHERE EXISTS (
                              SELECT 1 FROM leaderboard_entries e JOIN game_sessions s ON s.id = e.session_id
                              WHERE e.game_type = g AND e.period_type = '\(period)' AND e.period_date = d)
                            ORDER BY d, g
                            """)
                }
                progress("orphans and pools")
                try ArcadeSchema.createIndexes(db)
                progress("indexes")

                // Old history was paid out long ago.
                // Old history ends at least 7 days before the recent window starts.
                let oldEnd = ArcadeTime.dateString(day: Int(Civil.floorDiv(oldStart + 28 * dayMs, dayMs)) + 2)
                try db.execute(
                    sql: """
                        UPDATE prize_pools SET
                          status = 'finalized',
                          winner_address = (SELECT player_address FROM leaderboard_entries e
                            WHERE e.game_type = prize_pools.game_type AND e.period_type = prize_pools.period_type
                              AND e.period_date = prize_pools.period_date
                            ORDER BY e.score DESC, e.created_at, e.id LIMIT 1),
                          winning_score = (SELECT score FROM leaderboard_entries e
                            WHERE e.game_type = prize_pools.game_type AND e.period_type = prize_pools.period_type
                              AND e.period_date = prize_pools.period_date
                            ORDER BY e.score DESC, e.created_at, e.id LIMIT 1),
                          finalized_at = date(period_date, CASE period_type WHEN 'daily' THEN '+1 day' ELSE '+7 days' END)
                            || 'T00:00:05.000Z'
                        WHERE period_date < ?
                        """,
                    arguments: [oldEnd])
                try db.execute(
                    sql: """
                        UPDATE prize_pools SET prize_amount = total_amount
                        WHERE status = 'finalized' AND winner_address IS NOT NULL;
                        INSERT INTO prize_payouts (pool_id, winner_address, amount, created_at)
                        SELECT id, winner_address, prize_amount, finalized_at FROM prize_pools
                        WHERE status = 'finalized' AND winner_address IS NOT NULL ORDER BY id;
                        """)
                progress("old payouts")
                summary.leaderboardEntries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM leaderboard_entries") ?? 0
                summary.activePools =
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prize_pools WHERE status = 'active'") ?? 0
                summary.finalizedPools =
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prize_pools WHERE status = 'finalized'") ?? 0
                summary.payouts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prize_payouts") ?? 0
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
