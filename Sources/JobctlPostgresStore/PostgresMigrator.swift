import JobctlPostgres

/// Applies `PostgresSchema.migrations` (docs/several-hosts.md §7.5).
///
/// In one transaction that first takes `pg_advisory_xact_lock` (transaction-scoped, so it
/// works behind PgBouncer in transaction mode, and it is released by COMMIT or by the server
/// when the connection dies): create `jobctl_migrations` if missing, re-read what is applied,
/// apply the rest. Nodes starting at once serialise on the lock; the second finds nothing to
/// do. A database that holds a migration this binary does not know (a newer jobctl migrated
/// it) is refused, as SQLite's store refuses it. When everything is applied already, no lock
/// is taken.
enum PostgresMigrator {
    /// `hashtext('jobctl migrations')` is the lock's key: any process migrating a jobctl
    /// schema takes the same one.
    static let lockSQL = "SELECT pg_advisory_xact_lock(hashtext('jobctl migrations'))"

    static func migrate(_ connection: PostgresConnection) throws {
        if try pending(connection).isEmpty { return }
        try connection.transaction { tx in
            // Creating a database's functions and triggers takes longer than a claim.
            _ = try tx.execute("SET LOCAL statement_timeout = '60s'")
            _ = try tx.query(lockSQL)
            try tx.execute(
                """
                CREATE TABLE IF NOT EXISTS jobctl_migrations (
                  name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = try appliedNames(tx)
            try refuseUnknown(applied)
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                try tx.executeScript(migration.sql)
                try tx.execute("INSERT INTO jobctl_migrations (name) VALUES ($1)", [.text(migration.name)])
            }
        }
    }

    /// The known migrations not applied yet; all of them when the table does not exist.
    static func pending(_ connection: PostgresConnection) throws -> [String] {
        let applied: Set<String>
        do {
            applied = try connection.transaction { tx in
                let exists = try tx.query("SELECT to_regclass('jobctl_migrations') IS NOT NULL AS e")
                guard try exists.first?.bool("e") == true else { return [] }
                return try appliedNames(tx)
            }
        }
        try refuseUnknown(applied)
        return PostgresSchema.migrations.map(\.name).filter { !applied.contains($0) }
    }

    static func appliedNames(_ tx: PostgresConnection) throws -> Set<String> {
        Set(try tx.query("SELECT name FROM jobctl_migrations").compactMap { try $0.string("name") })
    }

    static func refuseUnknown(_ applied: Set<String>) throws {
        let unknown = applied.subtracting(PostgresSchema.migrations.map(\.name))
        if !unknown.isEmpty { throw PostgresStateStoreError.newerSchema(migrations: unknown.sorted()) }
    }
}
