import Foundation
import GRDB
import JobctlTime

/// The steps of `DemoData.generate`, in its order.
extension DemoData {
    /// Creation times sorted, so that rowids follow time as in a real database.
    static func sessionTimes(_ plan: DemoPlan, _ rng: inout SplitMix64) -> [Int64] {
        var times: [Int64] = []
        times.reserveCapacity(plan.total)
        let recentSpan = Int(plan.nowMs - 60_000 - plan.recentStart)
        for _ in 0..<plan.recentCount { times.append(plan.recentStart + Int64(rng.below(recentSpan))) }
        for _ in 0..<plan.oldCount { times.append(plan.oldStart + Int64(rng.below(Int(28 * DemoPlan.dayMs)))) }
        times.sort()
        return times
    }

    /// A game, by the arcade's mix (percent).
    static func game(_ rng: inout SplitMix64) -> String {
        let games = ArcadeSchema.games
        let weight = rng.below(100)
        var acc = 0
        for (i, w) in [30, 25, 15, 20, 10].enumerated() {
            acc += w
            if weight < acc { return games[i] }
        }
        return games[0]
    }

    /// One session per creation time: completed with a score, or left active (abandoned, or
    /// still being played).
    static func insertSessions(
        _ db: Database, _ plan: DemoPlan, players: [String], times: [Int64], rng: inout SplitMix64,
        summary: inout DemoDataSummary
    ) throws {
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO game_sessions
                  (id, game_type, player_address, status, amount_paid, score, created_at, completed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let expiry = plan.nowMs - 30 * 60_000
        for created in times {
            let game = game(&rng)
            // A few whales play a lot: squaring skews toward low indexes.
            let u = rng.unit()
            let player = players[min(plan.playerCount - 1, Int(u * u * Double(plan.playerCount)))]
            let price = prices[game] ?? 10_000
            let amount = rng.below(10) == 0 ? price * 2 : price
            let duration = Int64(20_000 + rng.below(15 * 60_000))
            let isOld = created < plan.recentStart
            let abandoned = !isOld && rng.below(100) < 11
            let completed = created + duration
            let id = uuid7(milliseconds: created, &rng)
            let createdText = ArcadeTime.timestamp(milliseconds: created)
            if abandoned || completed > plan.nowMs {
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
    }

    /// The first day the SQL date expressions cover.
    static func fromDate(_ plan: DemoPlan) -> Date {
        Date(timeIntervalSince1970: Double(plan.oldStart) / 1000 - 86_400)
    }

    /// Daily, weekly and all-time entries of every completed session, with period dates in the zone.
    static func insertEntries(_ db: Database, _ plan: DemoPlan) throws {
        let completedDay = localDateSQL("completed_at", zone: plan.zone, from: fromDate(plan), to: plan.now)
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
    }

    /// Orphans: entries whose session was lost. Returns how many.
    static func insertOrphans(
        _ db: Database, _ plan: DemoPlan, players: [String], rng: inout SplitMix64
    ) throws -> Int {
        let games = ArcadeSchema.games
        let orphans = max(5, plan.total / 1000)
        let orphan = try db.makeStatement(
            sql: """
                INSERT INTO leaderboard_entries
                  (session_id, game_type, player_address, score, period_type, period_date, created_at)
                VALUES (?, ?, ?, ?, 'daily', ?, ?)
                """)
        for _ in 0..<orphans {
            let created = plan.recentStart + Int64(rng.below(Int(plan.nowMs - 60 * 60_000 - plan.recentStart)))
            let date = ArcadeTime.dateString(
                day: ArcadeTime.localDay(of: Date(timeIntervalSince1970: Double(created) / 1000), in: plan.rules))
            let game = games[rng.below(games.count)]
            try orphan.execute(arguments: [
                uuid(&rng), game, players[rng.below(plan.playerCount)],
                Int64(rng.below(Int(maxScores[game] ?? 1000))), date,
                ArcadeTime.timestamp(milliseconds: created),
            ])
        }
        return orphans
    }

    /// Daily and weekly pools, 70 % of what was paid in their period.
    static func insertPools(_ db: Database, _ plan: DemoPlan) throws {
        let createdDay = localDateSQL("created_at", zone: plan.zone, from: fromDate(plan), to: plan.now)
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
    }

    /// Old history was paid out long ago. Old history ends at least 7 days before the recent
    /// window starts.
    static func payOldHistory(_ db: Database, _ plan: DemoPlan) throws {
        let dayMs = DemoPlan.dayMs
        let oldEnd = ArcadeTime.dateString(day: Int(Civil.floorDiv(plan.oldStart + 28 * dayMs, dayMs)) + 2)
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
    }

    /// The rows written, for the summary.
    static func count(_ db: Database, into summary: inout DemoDataSummary) throws {
        summary.leaderboardEntries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM leaderboard_entries") ?? 0
        summary.activePools = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prize_pools WHERE status = 'active'") ?? 0
        summary.finalizedPools =
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prize_pools WHERE status = 'finalized'") ?? 0
        summary.payouts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prize_payouts") ?? 0
    }
}
