import Foundation
import JobctlTime

/// Reads `jobs.conf` (docs/config.md): settings (`NAME=value`) that apply to the job lines below
/// them, and job lines `SCHEDULE JOB [key=value ...]`. Every problem is collected with its
/// location; nothing is returned unless the whole file is valid.
///
/// Decisions (stated for users in docs/config.md):
/// - `#` starts a comment at the start of a token (line start or after whitespace) outside
///   quotes, so `FRI#4` stays a day-of-week value.
/// - A schedule has six fields when its sixth word looks like a cron field (digits, `*`, `?`,
///   `, - / # L W`, month or day names); a job name therefore may not look like one (`mon`).
/// - Unknown settings are errors (a typo of `STATE_DB` must not pass silently).
/// - `STATE_DB`, `APP_DB`, `LOCK_DIR`, `HISTORY_RETENTION`, `HTTP_*` may be set once; `TZ` as
///   often as needed, each applying to the lines below it.
public struct ConfigReader: Sendable {
    public var path: String
    /// The zone for jobs with neither `tz=` nor a `TZ=` above them.
    public var machineZone: ZoneRules
    /// The built-in jobs a job line may name; the reader knows no other.
    public var catalog: BuiltinJobCatalog

    public init(path: String, machineZone: ZoneRules, catalog: BuiltinJobCatalog) {
        self.path = path
        self.machineZone = machineZone
        self.catalog = catalog
    }

    /// Reads and validates the file at `path`.
    public static func load(
        path: String, environment: [String: String], catalog: BuiltinJobCatalog
    ) throws(ConfigErrors) -> JobsConfig {
        let text = try readConfigText(path: path)
        let zone = Zones.current(environment: environment)
        return try ConfigReader(path: path, machineZone: zone, catalog: catalog).parse(text)
    }

    static let pathSettings: Set<String> = [
        "STATE_DB", "APP_DB", "LOCK_DIR", "HTTP_TOKEN_FILE", "STATE_DB_PASSWORD_FILE", "APP_DB_PASSWORD_FILE",
    ]
    static let settings: [String] = [
        "TZ", "CRON_TZ", "STATE_DB", "APP_DB", "LOCK_DIR", "HISTORY_RETENTION", "HTTP_LISTEN", "HTTP_TOKEN_FILE",
        "PASS_ENV", "ON_FAILURE", "MAX_CONCURRENT", "STATE_DB_PASSWORD_FILE", "LEASE", "APP_DB_PASSWORD_FILE",
    ]
    static let commonOptions: [String] = [
        "tz", "timeout", "retries", "backoff", "overlap", "catchup", "jitter", "enabled", "job", "command", "env",
        "on_failure", "on_recovery", "alert_after", "warn_after", "hook_timeout", "on_lost",
    ]

    /// Parses config text (the file's contents).
    public func parse(_ text: String) throws(ConfigErrors) -> JobsConfig {
        var draft = ConfigDraft(zone: machineZone)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            read(Self.lineText(raw), number: index + 1, into: &draft)
        }
        return try finish(draft, lines: lines)
    }

    /// Reads one line: a setting, a job line, or nothing (blank, comment).
    func read(_ text: String, number: Int, into draft: inout ConfigDraft) {
        let scanner = LineScanner(text)
        let line = ConfigLine(path: path, number: number, text: text, tokens: scanner.tokens)
        if let problem = scanner.problem {
            draft.report(problem.problem, on: line, at: problem.column)
            return
        }
        guard let first = line.tokens.first else { return }
        if let (name, value) = first.setting {
            readSetting(name, value, token: first, line: line, into: &draft)
        } else {
            readJobLine(line, first: first, into: &draft)
        }
    }

    /// The checks that need the whole file, then the config, or every error in line order.
    func finish(_ draft: ConfigDraft, lines: [Substring]) throws(ConfigErrors) -> JobsConfig {
        var errors = draft.errors
        // An APP_DB with an error of its own is reported there, not as missing.
        if let missing = draft.missingAppDatabase, draft.values["APP_DB"] == nil, draft.settingLines["APP_DB"] == nil {
            errors.append(missing)
        }
        let retention =
            draft.values["HISTORY_RETENTION"].flatMap { DurationText.milliseconds($0) }
            ?? Self.defaultRetentionMilliseconds
        errors += retentionProblems(
            lines: lines, settingLine: draft.settingLines["HISTORY_RETENTION"], retention: retention, jobs: draft.jobs)
        guard errors.isEmpty else {
            throw ConfigErrors(
                errors.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) })
        }
        let values = draft.values
        let stateDB = values["STATE_DB"] ?? Self.resolve("jobctl.db", relativeTo: baseDirectory)
        // With a PostgreSQL STATE_DB, lock files (trigger's, backfill's) default to the config's directory.
        let stateDirectory =
            StateDatabaseURL.isURL(stateDB) ? baseDirectory : (stateDB as NSString).deletingLastPathComponent
        var config = JobsConfig(
            path: path, stateDatabasePath: stateDB, appDatabasePath: values["APP_DB"],
            lockDirectory: values["LOCK_DIR"] ?? stateDirectory,
            historyRetentionMilliseconds: retention,
            httpListen: values["HTTP_LISTEN"], httpTokenFile: values["HTTP_TOKEN_FILE"], jobs: draft.jobs)
        config.appDatabaseLocation = draft.appDatabaseLocation
        config.maxConcurrent = values["MAX_CONCURRENT"].flatMap { Int($0) }
        config.statePasswordFile = values["STATE_DB_PASSWORD_FILE"]
        config.appPasswordFile = values["APP_DB_PASSWORD_FILE"]
        config.leaseMilliseconds = values["LEASE"].flatMap { DurationText.milliseconds($0) }
        return config
    }

    /// `HISTORY_RETENTION` when it is not set: 90 days.
    static let defaultRetentionMilliseconds: Int64 = 90 * 86_400_000

    /// The directory of the config, which relative paths in it are resolved against.
    var baseDirectory: String { (path as NSString).deletingLastPathComponent }

    /// The zone of built-in jobs without `tz=` or `TZ=`: docs/arcade.md dates pools in UTC unless
    /// `tz=` says otherwise, whatever the machine's zone. Command jobs keep the machine's.
    static let utc: ZoneRules = (try? Zones.named("UTC")) ?? ZoneRules(TimeZone(secondsFromGMT: 0) ?? .gmt)

    // MARK: Helpers

    static func resolve(_ path: String, relativeTo base: String) -> String {
        if path.hasPrefix("/") { return path }
        let joined = base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    static func isValidJobName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 64,
            CharacterSet.letters.contains(first), first.isASCII
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0))
        }
    }

    /// A line without its `\r` (a file with CRLF line ends).
    static func lineText(_ raw: Substring) -> String {
        String(raw.hasSuffix("\r") ? raw.dropLast() : raw)
    }

    static func closest(_ word: String, in candidates: [String]) -> String? {
        guard word.count <= 64 else { return nil }  // no name is that long: no suggestion work
        let target = Array(word.lowercased().utf8)
        let best = candidates.map { (Zones.editDistance(target, Array($0.lowercased().utf8)), $0) }.min { $0 < $1 }
        guard let best, best.0 <= max(2, word.count / 3) else { return nil }
        return best.1
    }
}
