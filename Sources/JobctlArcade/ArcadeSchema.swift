import Foundation
import GRDB

/// The arcade schema of docs/arcade.md#schema, plus the indexes the built-in jobs need, and
/// the check of what a database holds of it.
///
/// Decisions: only `jobctl demo-data` and `jobctl arcade init` create the tables. The
/// built-in jobs read `check` first (on a read-only connection) and refuse a database that
/// lacks any table or column of the schema, or whose `prize_payouts.pool_id` is not UNIQUE
/// (the last line of defence against a double payout). Column types are not checked: values
/// are read by storage class anyway (`StoredValue.swift`).
public enum ArcadeSchema {
    /// The five games of the arcade.
    public static let games = ["snake", "tetris", "pong", "breakout", "space_invaders"]

    /// Every table of the schema with every column, in docs/arcade.md's order.
    public static let columns: [(table: String, columns: [String])] = [
        (
            "game_sessions",
            [
                "id", "game_type", "player_address", "status", "amount_paid", "score", "created_at",
                "completed_at",
            ]
        ),
        (
            "leaderboard_entries",
            [
                "id", "session_id", "game_type", "player_address", "score", "period_type",
                "period_date", "created_at",
            ]
        ),
        (
            "prize_pools",
            [
                "id", "game_type", "period_type", "period_date", "total_amount", "status", "winner_address",
                "winning_score", "prize_amount", "finalized_at",
            ]
        ),
        ("prize_payouts", ["id", "pool_id", "winner_address", "amount", "created_at"]),
        (
            "leaderboard_archive",
            [
                "id", "session_id", "game_type", "player_address", "score", "period_type",
                "period_date", "created_at", "archived_at",
            ]
        ),
    ]

    static let tables = """
        CREATE TABLE IF NOT EXISTS game_sessions (
          id             TEXT PRIMARY KEY,
          game_type      TEXT NOT NULL,
          player_address TEXT NOT NULL,
          status         TEXT NOT NULL,
          amount_paid    INTEGER NOT NULL,
          score          INTEGER,
          created_at     TEXT NOT NULL,
          completed_at   TEXT
        );
        CREATE TABLE IF NOT EXISTS leaderboard_entries (
          id             INTEGER PRIMARY KEY,
          session_id     TEXT NOT NULL,
          game_type      TEXT NOT NULL,
          player_address TEXT NOT NULL,
          score          INTEGER NOT NULL,
          period_type    TEXT NOT NULL,
          period_date    TEXT NOT NULL,
          created_at     TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS prize_pools (
          id             INTEGER PRIMARY KEY,
          game_type      TEXT NOT NULL,
          period_type    TEXT NOT NULL,
          period_date    TEXT NOT NULL,
          total_amount   INTEGER NOT NULL,
          status         TEXT NOT NULL,
          winner_address TEXT,
          winning_score  INTEGER,
          prize_amount   INTEGER,
          finalized_at   TEXT,
          UNIQUE (game_type, period_type, period_date)
        );
        CREATE TABLE IF NOT EXISTS prize_payouts (
          id             INTEGER PRIMARY KEY,
          pool_id        INTEGER NOT NULL UNIQUE REFERENCES prize_pools(id),
          winner_address TEXT NOT NULL,
          amount         INTEGER NOT NULL,
          created_at     TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS leaderboard_archive (
          id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, game_type TEXT NOT NULL,
          player_address TEXT NOT NULL, score INTEGER NOT NULL, period_type TEXT NOT NULL,
          period_date TEXT NOT NULL, created_at TEXT NOT NULL, archived_at TEXT NOT NULL
        );
        """

    /// The indexes, by name:
    /// - `game_sessions(status, created_at)`: cleanup finds expired `active` sessions.
    /// - `leaderboard_entries(game_type, period_type, period_date, score DESC, created_at, id)`:
    ///   one board (prizepool's and leaderboard's board check; leaderboard's list of games).
    /// - `leaderboard_entries(period_type, period_date)`: cleanup finds entries to archive.
    /// - `leaderboard_entries(session_id)`: the `duplicate_session` rule looks up the other
    ///   entries of an entry's session (prizepool checks its winner candidates one by one).
    /// - `prize_pools(status, period_type, period_date)`: prizepool finds ended active pools.
    static let indexes: [(name: String, sql: String)] = [
        ("game_sessions_status_created_at", "ON game_sessions(status, created_at)"),
        (
            "leaderboard_entries_board",
            "ON leaderboard_entries(game_type, period_type, period_date, score DESC, created_at, id)"
        ),
        ("leaderboard_entries_period", "ON leaderboard_entries(period_type, period_date)"),
        ("leaderboard_entries_session", "ON leaderboard_entries(session_id)"),
        ("prize_pools_status_period", "ON prize_pools(status, period_type, period_date)"),
    ]

    public static func createTables(_ db: Database) throws {
        try db.execute(sql: tables)
    }

    public static func createIndexes(_ db: Database) throws {
        for index in indexes {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(index.name) \(index.sql)")
        }
    }

    /// What `db` holds of the schema.
    static func check(_ db: Database) throws -> ArcadeSchemaCheck {
        var check = ArcadeSchemaCheck()
        let objects = try Row.fetchAll(
            db, sql: "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        func names(_ type: String) -> Set<String> {
            Set(objects.filter { $0.stored(0).text == type }.compactMap { $0.stored(1).text?.lowercased() })
        }
        let tables = names("table")
        let indexes = names("index")
        let ours = Set(columns.map(\.table))
        check.otherTables = tables.subtracting(ours).sorted()
        for (table, required) in columns {
            guard tables.contains(table) else {
                check.missingTables.append(table)
                continue
            }
            let present = Set(
                try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table])
                    .compactMap { $0.stored(0).text?.lowercased() })
            check.missingColumns += required.filter { !present.contains($0) }.map { "\(table).\($0)" }
        }
        if tables.contains("prize_payouts"), !check.missingColumns.contains("prize_payouts.pool_id") {
            check.payoutsNotUnique = try !hasUniqueIndex(db, table: "prize_payouts", column: "pool_id")
        }
        check.missingIndexes = Self.indexes.map(\.name).filter { !indexes.contains($0) }
        return check
    }

    static func hasUniqueIndex(_ db: Database, table: String, column: String) throws -> Bool {
        let count = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM pragma_index_list(?) AS l
                WHERE l."unique" = 1
                  AND (SELECT COUNT(*) FROM pragma_index_info(l.name)) = 1
                  AND (SELECT lower(name) FROM pragma_index_info(l.name)) = ?
                """,
            arguments: [table, column])
        return (count?.stored(0).exactInteger ?? 0) > 0
    }

    /// Checks the database at `path` on a read-only connection (which never creates the file
    /// and never writes to it).
    public static func check(path: String) throws -> ArcadeSchemaCheck {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ArcadeDatabaseError(path: path, message: ArcadeDatabaseError.doesNotExist)
        }
        if isDirectory.boolValue {
            throw ArcadeDatabaseError(path: path, message: "is a directory, not a database file")
        }
        do {
            var config = Configuration()
            config.readonly = true
            config.label = "arcade-check"
            // Waits for another process's lock like the read-write connection does. Without a
            // busy handler two runs opening a fresh copy at once failed "database is locked"
            // here while the other recovered the WAL (seen in the exactly-once test under load).
            config.busyMode = ArcadeDatabase.pollingBusyMode(timeout: ArcadeDatabase.defaultBusyTimeout)
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { try check($0) }
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
    }
}
