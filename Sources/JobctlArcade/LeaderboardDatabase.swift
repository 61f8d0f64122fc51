import GRDB
import JobctlPostgres

/// What `leaderboard` needs of its database: the seam between its checks and tallies
/// (`LeaderboardJob`, `ArcadeBoard`'s rules) and the SQL of SQLite or PostgreSQL.
protocol LeaderboardDatabase {
    /// The games to check (the five, then any other with entries) and the `game_type`s that
    /// are not text, described.
    func games() throws -> (games: [String], unnamed: [String])

    /// One board counted and its top eligible entry, from one snapshot.
    func board(game: String, period: String, date: String) throws -> (ArcadeBoard, ArcadeBoard.Winner?)
}

extension ArcadeDatabase: LeaderboardDatabase {
    func games() throws -> (games: [String], unnamed: [String]) {
        try read { db in try LeaderboardJob.games(db) }
    }

    func board(game: String, period: String, date: String) throws -> (ArcadeBoard, ArcadeBoard.Winner?) {
        try read { db in
            (
                try ArcadeBoard.count(db, game: game, period: period, date: date),
                try ArcadeBoard.winner(db, game: game, period: period, date: date).winner
            )
        }
    }
}

extension ArcadePostgresDatabase: LeaderboardDatabase {
    /// A skip-scan of the board index, one seek per game, as on SQLite. `game_type` is NOT NULL
    /// text there, so no game is unnamed.
    func games() throws -> (games: [String], unnamed: [String]) {
        let found = try read { c in try c.query(LeaderboardJob.gamesSQL).compactMap { try $0.string("name") } }
        return (LeaderboardJob.withKnownGames(found), [])
    }

    func board(game: String, period: String, date: String) throws -> (ArcadeBoard, ArcadeBoard.Winner?) {
        try read { c in
            (
                try ArcadeBoard.count(c, game: game, period: period, date: date),
                try ArcadeBoard.winner(c, game: game, period: period, date: date).winner
            )
        }
    }
}
