import Foundation
import GRDB
import JobctlRunning

extension String {
    var oneLine: String {
        split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// The arcade's SQLite database (`APP_DB`), shared with the arcade's own writers.
///
/// Opening never creates anything: a missing file, or one without the complete arcade schema,
/// is a one-line error naming the path and what is missing (see `ArcadeSchema`). The schema
/// is checked first on a read-only connection, so a foreign SQLite file is never written to
/// (not even switched to WAL). Then one read-write connection is opened with the URI
/// `file:PATH?mode=rw`, which SQLite refuses to create, and set to WAL, so that jobctl's reads
/// never block the arcade and the arcade's reads never block jobctl. Missing indexes of the
/// jobs are created then, and only then, in a transaction that checks the schema again.
///
/// Every write is a short `BEGIN IMMEDIATE` transaction: taking the write lock up front means
/// a transaction never fails half-way on a lock upgrade, and other writers wait at most
/// `busyTimeout` (5 s) for it.
public final class ArcadeDatabase: Sendable {
    public let path: String
    let queue: DatabaseQueue

    /// The default time a statement waits for another connection's write lock.
    public static let defaultBusyTimeout: TimeInterval = 5

    /// Opens the existing database at `path` after checking its schema; creates the jobs'
    /// missing indexes (`CREATE INDEX IF NOT EXISTS`).
    ///
    /// `durable` (the default) keeps SQLite's `synchronous = FULL`: a commit is on disk before
    /// it returns, so a payout that the payment service has seen can never vanish in a power
    /// loss and be created again. Housekeeping, which can simply be redone, passes `false`
    /// (`synchronous = NORMAL`, still crash-safe in WAL mode) to hold the write lock shorter.
    public init(
        path: String, busyTimeout: TimeInterval = ArcadeDatabase.defaultBusyTimeout, durable: Bool = true
    ) throws {
        self.path = path
        let check = try ArcadeSchema.check(path: path)
        if let problem = check.problem { throw ArcadeDatabaseError(path: path, message: problem) }
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
            queue = try DatabaseQueue(path: Self.openingName(path), configuration: config)
            try queue.writeWithoutTransaction { db in
                if try Row.fetchOne(db, sql: "PRAGMA journal_mode")?.stored(0).text != "wal" {
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                }
            }
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
        if !check.missingIndexes.isEmpty {
            try writeImmediate { db in
                let again = try ArcadeSchema.check(db)
                if let problem = again.problem { throw ArcadeDatabaseError(path: path, message: problem) }
                try ArcadeSchema.createIndexes(db)
            }
        }
    }

    /// Whether SQLite reads `file:` names as URIs (Debian builds it with SQLITE_USE_URI).
    static let sqliteTakesURIs: Bool = {
        guard let memory = try? DatabaseQueue() else { return false }
        let used = try? memory.read { db in try Int.fetchOne(db, sql: "SELECT sqlite_compileoption_used('USE_URI')") }
        return used == 1
    }()

    /// `file:/abs/path?mode=rw` (percent-encoded), which SQLite opens read-write and never
    /// creates; the plain path where SQLite takes no URIs (then the schema check just before
    /// is what keeps a missing file from being created, short of a race).
    static func openingName(_ path: String) -> String {
        guard sqliteTakesURIs else { return path }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        return "file://\(encoded)?mode=rw"
    }

    /// True when `path` names an existing file or something that is not a directory.
    static func fileExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
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
            return try queue.writeWithoutTransaction { db in
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
            try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        {
            return
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
    }

    /// A read from a WAL snapshot: never blocks writers, never waits for them.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
    }

    /// Opens `context.appDatabasePath`, or throws a one-line error when the config has none,
    /// the file does not exist or its schema is missing or incomplete.
    static func open(_ context: JobContext, job: String, durable: Bool = true) throws -> ArcadeDatabase {
        guard let path = context.appDatabasePath, !path.isEmpty else {
            throw ArcadeDatabaseError(path: "(none)", message: "\(job) needs APP_DB in the config")
        }
        return try ArcadeDatabase(path: path, durable: durable)
    }

    /// `jobctl arcade init`: creates the schema and the indexes in a new or empty database
    /// (creating the file, not its directory). A database that already has the complete
    /// schema is left alone (returns false); any other table, or part of the schema, is refused.
    public static func initialize(path: String) throws -> Bool {
        if fileExists(path) {
            let check = try ArcadeSchema.check(path: path)
            if check.isComplete { return false }
            guard check.isEmpty else {
                let names = check.otherTables.prefix(5).map { $0.escapedForMessage(limit: 40) }
                let what =
                    check.otherTables.isEmpty
                    ? "part of the arcade schema (\(check.problem ?? ""))"
                    : "other tables (\(names.joined(separator: ", "))\(check.otherTables.count > 5 ? ", …" : ""))"
                throw ArcadeDatabaseError(
                    path: path,
                    message: "holds \(what); arcade init only creates the schema in a new or empty "
                        + "database, and changed nothing")
            }
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            throw ArcadeDatabaseError(path: path, message: "directory \(directory) does not exist")
        }
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.inTransaction(.immediate) {
                    guard try ArcadeSchema.check(db).isEmpty else {
                        throw ArcadeDatabaseError(
                            path: path, message: "was changed while being initialized; nothing created")
                    }
                    try ArcadeSchema.createTables(db)
                    try ArcadeSchema.createIndexes(db)
                    return .commit
                }
            }
            try queue.close()
        } catch {
            throw ArcadeDatabaseError.wrap(error, path: path)
        }
        return true
    }
}
