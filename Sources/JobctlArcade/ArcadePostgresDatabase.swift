import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlRunning
import JobctlStore

/// The arcade's database on PostgreSQL (`APP_DB=postgresql://…` or `postgres://…`).
///
/// - The password comes from `APP_DB_PASSWORD_FILE` (mode 0600), else `PGPASSWORD` or libpq's
///   passfile, never from the URL (`PostgresURL` refuses one); when APP_DB is the state's
///   database, `STATE_DB_PASSWORD_FILE` serves too (the same rules as STATE_DB).
/// - Opening connects and checks the schema read-only (`ArcadePostgresSchema.check`); a missing
///   or incomplete schema is the same one-line error as on SQLite. Nothing is created: only
///   `arcade init` and `demo-data` create the schema. Missing indexes are not created by the jobs
///   (on PostgreSQL a build blocks the arcade's writes; `arcade init` makes them).
/// - `PAYOUT_TX`: when the run's fence names this same database, every write transaction first
///   locks the run's execution row (`RunFence.holds`); a run that lost its lease rolls back and
///   stops (`ArcadeRunSuperseded`). When the databases differ there is no common transaction:
///   each pool's own key (`status = 'active'`, `prize_payouts.pool_id` UNIQUE) still prevents a
///   second payout.
/// - Calls are synchronous (one connection, bounded by its timeouts), like GRDB's on SQLite.
public final class ArcadePostgresDatabase {
    /// The URL as logged (no password can be in it).
    public let name: String
    let connection: PostgresConnection
    /// The run's fence, when this is the state's database; nil otherwise.
    let fence: RunFence?

    /// True for `postgresql://…` and `postgres://…` (any case): the same rule as STATE_DB.
    public static func isURL(_ value: String) -> Bool { StateDatabaseURL.isURL(value) }

    init(url: String, passwordFile: String? = nil, fence: RunFence?) throws {
        let parsed: PostgresURL
        do {
            parsed = try PostgresURL(url)
        } catch {
            throw ArcadeDatabaseError(path: "(APP_DB URL)", message: "\(error)")
        }
        name = parsed.description
        var configuration = PostgresConfiguration(
            url: parsed, passwordFile: passwordFile, applicationName: "jobctl-arcade")
        if let fence, fence.isSameDatabase(parsed) {
            configuration.passwordFile = passwordFile ?? fence.configuration.passwordFile
            self.fence = fence
        } else {
            self.fence = nil
        }
        do { connection = try PostgresConnection(configuration) } catch {
            throw ArcadeDatabaseError(path: name, message: "\(error)")
        }
    }

    /// Connects and checks the schema; throws a one-line error naming the database.
    public convenience init(
        url: String, passwordFile: String? = nil, fence: RunFence? = nil, requireSchema: Bool
    ) throws {
        try self.init(url: url, passwordFile: passwordFile, fence: fence)
        guard requireSchema else { return }
        let check = try schemaCheck()
        if let problem = check.problem { throw ArcadeDatabaseError(path: name, message: problem) }
    }

    deinit { connection.close() }

    /// What the database holds of the schema, in a read-only transaction.
    public func schemaCheck() throws -> ArcadeSchemaCheck {
        try read { try ArcadePostgresSchema.check($0) }
    }

    /// Opens `context.appDatabasePath` (a URL) with the run's fence.
    static func open(_ context: JobContext) throws -> ArcadePostgresDatabase {
        try ArcadePostgresDatabase(
            url: context.appDatabasePath ?? "", passwordFile: context.appDatabasePasswordFile, fence: context.fence,
            requireSchema: true)
    }

    /// One write transaction (READ COMMITTED), fenced first when the fence applies.
    func write<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try wrap {
            try connection.transaction { c in
                if let fence = self.fence, try !fence.holds(c) { throw ArcadeRunSuperseded(runID: fence.token) }
                return try body(c)
            }
        }
    }

    /// A read from one snapshot (REPEATABLE READ, READ ONLY): it never blocks writers.
    func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try wrap {
            try connection.transaction(isolation: .repeatableRead) { c in
                try c.execute("SET TRANSACTION READ ONLY")
                return try body(c)
            }
        }
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ArcadeDatabaseError {
            throw error
        } catch let error as ArcadeRunSuperseded {
            throw error
        } catch {
            throw ArcadeDatabaseError(path: name, message: "\(error)")
        }
    }

    /// `jobctl arcade init` on PostgreSQL: creates the schema and indexes in a database without
    /// arcade tables (the state's `jobctl_*` tables may be there); leaves a complete schema alone
    /// (false); refuses any other table or a partial schema, changing nothing.
    public static func initialize(url: String) throws -> Bool {
        let database = try ArcadePostgresDatabase(url: url, fence: nil)
        return try database.wrap {
            try database.connection.transaction { c in
                let check = try ArcadePostgresSchema.check(c)
                if check.isComplete { return false }
                guard check.isEmpty else {
                    let what =
                        check.otherTables.isEmpty
                        ? "part of the arcade schema"
                        : "other tables (\(check.otherTables.prefix(5).joined(separator: ", ")))"
                    let message =
                        "holds \(what); arcade init only creates the schema in a database without arcade "
                        + "tables, and changed nothing"
                    throw ArcadeDatabaseError(path: database.name, message: message)
                }
                try ArcadePostgresSchema.create(c)
                return true
            }
        }
    }
}
