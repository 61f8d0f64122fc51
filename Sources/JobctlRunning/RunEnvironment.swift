import JobctlConfig

/// What a run needs from the config besides its job: the runner gets this, not the whole
/// `JobsConfig` (issue 10, the narrow runner). A job's zone rules, hooks, timeout and options
/// travel with its `JobDefinition`; only the settings shared by every job are here.
public struct RunEnvironment: Sendable, Equatable {
    /// The arcade database (`APP_DB`) built-in jobs read and write; nil when the config has none.
    public var appDatabasePath: String?
    /// The password file of a PostgreSQL `APP_DB` (`APP_DB_PASSWORD_FILE`), nil when none.
    public var appDatabasePasswordFile: String?
    /// Where the job lock files live (`LockFileRunGuard`).
    public var lockDirectory: String

    public init(appDatabasePath: String?, lockDirectory: String, appDatabasePasswordFile: String? = nil) {
        self.appDatabasePath = appDatabasePath
        self.appDatabasePasswordFile = appDatabasePasswordFile
        self.lockDirectory = lockDirectory
    }

    /// The part of `config` a run reads.
    public init(_ config: JobsConfig) {
        self.init(
            appDatabasePath: config.appDatabasePath, lockDirectory: config.lockDirectory,
            appDatabasePasswordFile: config.appPasswordFile)
    }
}
