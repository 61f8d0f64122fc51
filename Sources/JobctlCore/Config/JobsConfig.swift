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

extension JobsConfig {
    /// The settings a running scheduler reads once, at start: the files it has open or holds
    /// (`STATE_DB`, `APP_DB`, `LOCK_DIR`) and its HTTP server (`HTTP_LISTEN`,
    /// `HTTP_TOKEN_FILE`).
    static let startOnlySettings: [(name: String, value: @Sendable (JobsConfig) -> String?)] = [
        ("STATE_DB", { $0.stateDatabasePath }), ("APP_DB", { $0.appDatabasePath }), ("LOCK_DIR", { $0.lockDirectory }),
        ("HTTP_LISTEN", { $0.httpListen }), ("HTTP_TOKEN_FILE", { $0.httpTokenFile }),
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

extension JobDefinition {
    /// Why a run by hand (`jobctl trigger`, the HTTP trigger) is refused, or nil.
    ///
    /// Decision: `enabled=false` means the job does not run, by schedule or by hand, so that
    /// disabling a money-moving job is enough to stop it; the HTTP trigger answers 409 and
    /// `jobctl trigger` exits 2, both with this line, and nothing is recorded. To run it once,
    /// enable it (a reload is enough while `jobctl run` runs).
    public var disabledRefusal: String? {
        enabled ? nil : "job '\(name)' is disabled (enabled=false on line \(line)); nothing ran"
    }
}
