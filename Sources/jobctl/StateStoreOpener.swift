import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlPostgresStore
import JobctlStore

/// The one place that opens the state store of every command: the SQLite file of `STATE_DB`
/// (`HistoryStore`), or, when `STATE_DB` is a PostgreSQL URL, `PostgresStateStore` shared by
/// several hosts (docs/several-hosts.md). Decisions:
/// - The password comes from `STATE_DB_PASSWORD_FILE` (mode 0600), else libpq's `PGPASSWORD`
///   or passfile; never from the URL (`PostgresURL` refuses one).
/// - Opening PostgreSQL connects and applies the migrations the database lacks, for readers too
///   (as a SQLite reader migrates a database that needs it): a reader of an empty database sees
///   an empty history, not "no database yet".
/// - Each process is a node of its own (`NodeIdentity.current()`); only `jobctl run` writes a
///   node row (`RunCommand+Node`).
enum StateStoreOpener {
    static func postgres(url: String, passwordFile: String?, leaseMilliseconds: Int64?) throws -> PostgresStateStore {
        let lease = leaseMilliseconds.map { Duration.milliseconds($0) } ?? PostgresStateStore.defaultLease
        return try PostgresStateStore(
            configuration: PostgresConfiguration(url, passwordFile: passwordFile), node: .current(), lease: lease)
    }

    static func postgres(_ config: JobsConfig) throws -> PostgresStateStore {
        try postgres(
            url: config.stateDatabasePath, passwordFile: config.statePasswordFile,
            leaseMilliseconds: config.leaseMilliseconds)
    }

    /// For the read commands: nil when a SQLite database does not exist yet (see
    /// `HistoryCLI.openForReading`). `config` gives a URL's password file and lease.
    static func openForReading(_ path: String, config: JobsConfig?) throws -> (any StateStore)? {
        guard StateDatabaseURL.isURL(path) else { return try HistoryCLI.openForReading(path) }
        do {
            return try postgres(
                url: path, passwordFile: config?.statePasswordFile, leaseMilliseconds: config?.leaseMilliseconds)
        } catch {
            throw HistoryCLI.fail("cannot open STATE_DB: \(error)", code: ExitStatus.failure)
        }
    }
}
