import Foundation

/// What to do when a job is still running at its next fire.
public enum OverlapPolicy: String, Sendable, CaseIterable {
    /// Don't start; record the fire as `skipped` with the reason (default).
    case skip
    /// Run once more right after the current run ends (several fires queue one run).
    case queue
    /// Start another run in parallel.
    case allow
}

/// Where a job's zone came from, for `jobctl list`.
public enum ZoneSource: String, Sendable {
    case option = "tz="
    case setting = "TZ="
    case machine = "machine"
    /// A built-in job with neither `tz=` nor `TZ=`: UTC, as ARCADE.md dates pools.
    case builtinDefault = "built-in default"
}

/// What a job runs.
public enum JobAction: Sendable {
    case builtin(BuiltinJobKind, options: [String: JobOptionValue])
    case command(String)

    public var description: String {
        switch self {
        case .builtin(let kind, _): kind.name
        case .command(let command): "command: \(command)"
        }
    }
}

/// One job line of `jobs.conf`, validated.
public struct JobDefinition: Sendable {
    public var name: String
    public var schedule: Schedule
    public var zone: ZoneRules
    public var zoneSource: ZoneSource
    public var action: JobAction
    public var timeoutMilliseconds: Int64?
    public var retries: Int
    public var backoffMilliseconds: Int64
    public var overlap: OverlapPolicy
    /// Run a fire missed during downtime if it is no older than this; nil = off.
    public var catchupMilliseconds: Int64?
    public var jitterMilliseconds: Int64
    public var enabled: Bool
    public var line: Int
    /// Variables passed to the job's processes beyond `ChildEnvironment.allowed` (`PASS_ENV=`
    /// above the job plus its `env=`).
    public var passEnvironment: [String] = []

    public func nextFire(after date: Date) -> Date? {
        schedule.nextFire(after: date, in: zone)
    }
}

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

    public func job(named name: String) -> JobDefinition? {
        jobs.first { $0.name == name }
    }
}
