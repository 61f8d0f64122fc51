/// A validated `jobs.conf`.
public struct JobsConfig: Sendable {
    public var path: String
    /// The history database (`STATE_DB`, default `jobctl.db` beside the config).
    public var stateDatabasePath: String
    /// The arcade database (`APP_DB`).
    public var appDatabasePath: String?
    /// Where `APP_DB`'s value is written, for `jobctl check`'s messages about that file.
    public var appDatabaseLocation: ConfigLocation? = nil
    /// Where job lock files live (`LOCK_DIR`, default: the directory of `STATE_DB`).
    public var lockDirectory: String
    /// How long history is kept (`HISTORY_RETENTION`, default 90d).
    public var historyRetentionMilliseconds: Int64
    public var httpListen: String?
    public var httpTokenFile: String?
    public var jobs: [JobDefinition]
    /// `MAX_CONCURRENT`: at most this many runs of one scheduler at once; nil = unlimited.
    public var maxConcurrent: Int? = nil
    /// `STATE_DB_PASSWORD_FILE`: the password of a PostgreSQL `STATE_DB` (mode 0600).
    public var statePasswordFile: String? = nil
    /// `APP_DB_PASSWORD_FILE`: the password of a PostgreSQL `APP_DB` (mode 0600, read at each
    /// connect). Without it: `PGPASSWORD`, the passfile, or `STATE_DB_PASSWORD_FILE` when APP_DB
    /// is the state's database.
    public var appPasswordFile: String? = nil
    /// `LEASE`: how long a run's claim holds on a PostgreSQL `STATE_DB`; nil = 30 s.
    public var leaseMilliseconds: Int64? = nil

    /// `STATE_DB` is a PostgreSQL URL (`postgresql://` or `postgres://`), not a SQLite file.
    public var usesPostgres: Bool { StateDatabaseURL.isURL(stateDatabasePath) }

    public func job(named name: String) -> JobDefinition? {
        jobs.first { $0.name == name }
    }
}

extension JobsConfig {
    /// The settings a running scheduler reads once, at start: the files it has open or holds
    /// (`STATE_DB`, `APP_DB`, `LOCK_DIR`) and its HTTP server (`HTTP_LISTEN`,
    /// `HTTP_TOKEN_FILE`).
    static let startOnlySettings: [(name: String, value: @Sendable (JobsConfig) -> String?)] = [
        ("STATE_DB", { $0.stateDatabasePath }), ("APP_DB", { $0.appDatabasePath }), ("LOCK_DIR", { $0.lockDirectory }),
        ("HTTP_LISTEN", { $0.httpListen }), ("HTTP_TOKEN_FILE", { $0.httpTokenFile }),
        ("STATE_DB_PASSWORD_FILE", { $0.statePasswordFile }), ("LEASE", { $0.leaseMilliseconds.map { "\($0) ms" } }),
        ("APP_DB_PASSWORD_FILE", { $0.appPasswordFile }),
    ]

    /// Why a reload to `fresh` is refused, in one line, or nil when it may be applied.
    ///
    /// Decision: a reload that changes a start-only setting is refused whole (the old config
    /// stays, jobs included): switching `LOCK_DIR` or `APP_DB` under running jobs while the
    /// history stays in the old `STATE_DB` would split one scheduler across two sets of files.
    /// Changing them takes a restart.
    public func reloadRefusal(_ fresh: JobsConfig) -> String? {
        let changed = Self.startOnlySettings.filter { $0.value(self) != $0.value(fresh) }
        guard !changed.isEmpty else { return nil }
        let details = changed.map { setting in
            "\(setting.name) \(setting.value(self) ?? "(unset)") → \(setting.value(fresh) ?? "(unset)")"
        }
        let plural = changed.count == 1 ? "" : "s"
        return "\(details.joined(separator: ", ")): the setting\(plural) \(changed.count == 1 ? "is" : "are") "
            + "read only at start; restart jobctl to change \(changed.count == 1 ? "it" : "them")"
    }
}
