import JobctlRunning

/// What the prizepool and the leaderboard read and write, on whichever database `APP_DB`
/// names: SQLite (a path) or PostgreSQL (a `postgresql://` URL).
typealias ArcadeJobDatabase = PrizePoolDatabase & LeaderboardDatabase

enum ArcadeJobDatabases {
    /// Opens `context`'s `APP_DB` for `job`: a URL on PostgreSQL, anything else on SQLite.
    static func open(_ context: JobContext, job: String) throws -> any ArcadeJobDatabase {
        ArcadePostgresDatabase.isURL(context.appDatabasePath ?? "")
            ? try ArcadePostgresDatabase.open(context) : try ArcadeDatabase.open(context, job: job)
    }
}
