import Foundation
import GRDB

/// A one-line error about the arcade database that names the file.
public struct ArcadeDatabaseError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "arcade database \(path): \(message)" }

    /// Wraps any error (GRDB's included) into one line that names the file.
    static func wrap(_ error: any Error, path: String) -> any Error {
        switch error {
        case is ArcadeDatabaseError, is CancellationError:
            return error
        case let error as DatabaseError:
            let text = error.message ?? "\(error.resultCode)"
            return ArcadeDatabaseError(path: path, message: "SQLite error \(error.resultCode.rawValue): \(text)")
        default:
            return ArcadeDatabaseError(path: path, message: String(describing: error).oneLine)
        }
    }
}

extension String {
    var oneLine: String {
        split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// The arcade's SQLite database (`APP_DB`), shared with the arcade's own writers.
///
/// Opened as a GRDB `DatabasePool` in WAL mode, so that jobctl's reads never block the arcade
/// and the arcade's reads never block jobctl. Every write is a short `BEGIN IMMEDIATE`
/// transaction: taking the write lock up front means a transaction never fails half-way on
/// a lock upgrade, and other writers wait at most `busyTimeout` (5 s) for it.
public final class ArcadeDatabase: Sendable {
    public let path: String
    let pool: DatabasePool

    /// The default time a statement waits for another connection's write lock.
    public static let defaultBusyTimeout: TimeInterval = 5

    /// Opens (creating when missing) the database at `path` and creates the schema and the
    /// indexes the jobs need when they are missing (`CREATE … IF NOT EXISTS`).
    ///
    /// `durable` (the default) keeps SQLite's `synchronous = FULL`: a commit is on disk before
    /// it returns, so a payout that the payment service has seen can never vanish in a power
    /// loss and be created again. Housekeeping, which can simply be redone, passes `false`
    /// (`synchronous = NORMAL`, still crash-safe in WAL mode) to hold the write lock shorter.
    public init(
        path: String, busyTimeout: TimeInterval = ArcadeDatabase.defaultBusyTimeout, durable: Bool = true,
        createSchema: Bool = true
    ) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = Self.pollingBusyMode(timeout: busyTimeout)
        config.label = "arcade"
        config.prepareDatabase { db in
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            // Big batches stay in memory instead of spilling to the WAL mid-transaction.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Checkpoints run after our transactions, outside the write lock (`checkpoint()`),
            // not inside a commit.
            if !durable { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            if createSchema {
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        try ArcadeSchema.createTables(db)
                        try ArcadeSchema.createIndexes(db)
                        return .commit
                    }
                }
            }
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
    }

    /// Waits for a lock by polling every millisecond, up to `timeout`. SQLite's own busy
    /// timeout sleeps ever longer (up to 100 ms) between attempts, and against a writer that
    /// commits many small transactions back to back it keeps missing the short moments when
    /// the lock is free, until it gives up.
    static func pollingBusyMode(timeout: TimeInterval) -> Database.BusyMode {
        let attempts = max(1, Int(timeout * 1000))
        return .callback { tries in
            guard tries < attempts else { return false }
            usleep(1000)
            return true
        }
    }

    /// One short write transaction that takes the write lock immediately.
    func writeImmediate<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else {
                    throw ArcadeDatabaseError(path: path, message: "transaction produced no result")
                }
                return result
            }
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
    }

    /// A passive checkpoint: copies committed pages back to the database file without taking
    /// the write lock, so that the arcade's own commits don't have to. Another connection's
    /// checkpoint running at the same moment is fine (SQLITE_BUSY is ignored).
    func checkpoint() throws {
        do {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
    }

    /// A read from a WAL snapshot: never blocks writers, never waits for them.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
    }

    /// Opens `context.appDatabasePath`, or throws a one-line error when the config has none.
    /// A missing file is created with the schema, with a warning (a mistyped APP_DB shows up
    /// in the log instead of passing silently as an empty arcade).
    static func open(_ context: JobContext, job: String, durable: Bool = true) throws -> ArcadeDatabase {
        guard let path = context.appDatabasePath, !path.isEmpty else {
            throw ArcadeDatabaseError(path: "(none)", message: "\(job) needs APP_DB in the config")
        }
        if !FileManager.default.fileExists(atPath: path) {
            context.logger.warning("\(job): arcade database \(path) does not exist; creating an empty one")
        }
        return try ArcadeDatabase(path: path, durable: durable)
    }
}

/// The arcade schema of ARCADE.md, verbatim, plus the indexes the built-in jobs need.
public enum ArcadeSchema {
    /// The five games of the arcade.
    public static let games = ["snake", "tetris", "pong", "breakout", "space_invaders"]

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

    /// - `game_sessions(status, created_at)`: cleanup finds expired `active` sessions.
    /// - `leaderboard_entries(game_type, period_type, period_date, score DESC, created_at, id)`:
    ///   one board in ranking order (prizepool's winner is its first row; leaderboard's scan).
    /// - `leaderboard_entries(period_type, period_date)`: cleanup finds entries to archive.
    /// - `prize_pools(status, period_type, period_date)`: prizepool finds ended active pools.
    static let indexes = """
        CREATE INDEX IF NOT EXISTS game_sessions_status_created_at
          ON game_sessions(status, created_at);
        CREATE INDEX IF NOT EXISTS leaderboard_entries_board
          ON leaderboard_entries(game_type, period_type, period_date, score DESC, created_at, id);
        CREATE INDEX IF NOT EXISTS leaderboard_entries_period
          ON leaderboard_entries(period_type, period_date);
        CREATE INDEX IF NOT EXISTS prize_pools_status_period
          ON prize_pools(status, period_type, period_date);
        """

    public static func createTables(_ db: Database) throws {
        try db.execute(sql: tables)
    }

    public static func createIndexes(_ db: Database) throws {
        try db.execute(sql: indexes)
    }
}
