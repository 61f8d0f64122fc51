import JobctlPostgres

/// The board checks of `ArcadeBoard` on PostgreSQL: the same rules, in PostgreSQL's SQL. There
/// the schema check guarantees integer scores (bigint), so `malformed_score` is a NULL score.
extension ArcadeBoard.Anomaly {
    /// The condition on an entry `e` LEFT JOINed to its session `s`, as 0 or 1.
    func postgresCondition(counting: Bool) -> String {
        let condition: String =
            switch self {
            case .missingSession: "s.id IS NULL"
            case .sessionNotCompleted: "s.id IS NOT NULL AND s.status IS DISTINCT FROM 'completed'"
            case .negativeScore: "e.score < 0"
            case .duplicateSession where counting: "e.copy > 1"
            case .duplicateSession:
                """
                EXISTS (SELECT 1 FROM leaderboard_entries d
                        WHERE d.session_id = e.session_id AND d.game_type = e.game_type
                          AND d.period_type = e.period_type AND d.period_date = e.period_date AND d.id < e.id)
                """
            case .malformedAddress: "NOT (e.player_address ~ '^0x[0-9a-fA-F]{40}$')"
            case .malformedScore: "e.score IS NULL"
            }
        return "COALESCE((\(condition)), false)::int"
    }
}

extension ArcadeBoard {
    static let postgresCountSQL = """
        WITH board AS (
          SELECT e.id, e.session_id, e.player_address, e.score,
                 ROW_NUMBER() OVER (PARTITION BY e.session_id ORDER BY e.id) AS copy
          FROM leaderboard_entries e
          WHERE e.game_type = $1 AND e.period_type = $2 AND e.period_date = $3
        )
        SELECT count(*) AS entries, \(Anomaly.allCases.map {
            "COALESCE(SUM(\($0.postgresCondition(counting: true))), 0) AS \($0.rawValue)"
        }.joined(separator: ", "))
        FROM board e LEFT JOIN game_sessions s ON s.id = e.session_id
        """

    /// The board in ranking order, each entry with its 0/1 anomaly columns; `LIMIT $4`.
    static let postgresWalkSQL = """
        SELECT e.id, e.player_address, e.score, \(Anomaly.allCases.map {
            "\($0.postgresCondition(counting: false)) AS \($0.rawValue)"
        }.joined(separator: ", "))
        FROM leaderboard_entries e LEFT JOIN game_sessions s ON s.id = e.session_id
        WHERE e.game_type = $1 AND e.period_type = $2 AND e.period_date = $3
        ORDER BY e.score DESC, e.created_at, e.id
        LIMIT $4
        """

    /// `count` on PostgreSQL.
    static func count(_ c: PostgresConnection, game: String, period: String, date: String) throws -> ArcadeBoard {
        var board = ArcadeBoard()
        guard let row = try c.query(postgresCountSQL, [.text(game), .text(period), .text(date)]).first else {
            return board
        }
        board.entries = try row.int64("entries") ?? 0
        for kind in Anomaly.allCases {
            let count = try row.int64(kind.rawValue) ?? 0
            if count > 0 { board.anomalies[kind] = count }
        }
        return board
    }

    /// `winner` on PostgreSQL: the first 64 entries in ranking order, then the whole board only
    /// when none of those may win.
    static func winner(_ c: PostgresConnection, game: String, period: String, date: String) throws -> ArcadeBoard {
        var limit: Int64 = 64
        while true {
            let rows = try c.query(postgresWalkSQL, [.text(game), .text(period), .text(date), .int64(limit)])
            var board = ArcadeBoard()
            for row in rows {
                board.entries += 1
                let kinds = try Anomaly.allCases.filter { try row.int64($0.rawValue) != 0 }
                if kinds.isEmpty, let id = try row.int64("id"), let address = try row.string("player_address"),
                    isWellFormedAddress(address), let score = try row.int64("score")
                {
                    board.winner = Winner(entryID: id, address: address, score: score)
                    return board
                }
                board.flagged += 1
                for kind in kinds { board.anomalies[kind, default: 0] += 1 }
            }
            if Int64(rows.count) < limit { return board }
            limit = Int64.max
        }
    }
}
