import JobctlTime

/// Every problem the config reader reports (and `jobctl check`, and `_run-builtin`'s options),
/// with what its message needs. The wording lives in `message` and nowhere else: tests and
/// the docs quote these texts, so change one here, on purpose, or not at all.
public indirect enum ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whose option an unknown option was given as.
    public enum OptionOwner: Sendable, Equatable {
        case builtin(String)
        case command
        /// A line whose job is not known (an unknown built-in, or `job=` with `command=`).
        case undetermined
    }

    // The file.
    case cannotOpen(reason: String)
    case notUTF8
    case cannotInspect(reason: String)
    case notRegularFile
    case foreignOwner(owner: String, user: String)
    case writableByOthers(who: String, mode: String, user: String)
    // The text of a line.
    case unsafeCharacter(Unicode.Scalar)
    case unterminatedQuote
    case wordTooLong(length: Int)
    // Settings.
    case textAfterSetting
    case unknownSetting(String, suggestion: String?)
    case settingRepeated(String, firstLine: Int)
    case settingNeedsValue(String)
    case retentionNotADuration(String)
    case retentionZero
    case retentionShorterThanCatchup(retention: Int64, job: String, window: Int64, line: Int)
    case catchupLongerThanRetention(window: Int64, retention: Int64)
    case builtinNeedsAppDatabase(job: String)
    case listenAddress(HTTPListenAddress.ParseError)
    case appDatabase(String)
    case stateDatabaseURL(String)
    case lease(String)
    // Schedule and name.
    case schedule(CronError)
    case missingJobName(foundOption: String?)
    case invalidJobName(String)
    case duplicateJobName(String, firstLine: Int)
    // Options, and the values of options and settings.
    case notAnOption(String)
    case optionRepeated(String)
    case jobAndCommand
    case emptyCommand
    case unknownBuiltin(String, known: [String], suggestion: String?)
    case unknownJob(String, known: [String], suggestion: String?)
    case unknownOption(String, owner: OptionOwner, suggestion: String?)
    /// `KEY: ` and the problem with the value of the option or setting `KEY`.
    case value(of: String, ConfigProblem)
    case zone(Zones.LookupError)
    case unlistableVariable(reason: String)
    case notADuration(String)
    case notLongerThanZero
    case notInRange(String, ClosedRange<Int>)
    case notABoolean(String)
    case notAnOverlapPolicy(String)
    case notAnOnLostPolicy(String)
    case allowForBuiltin
    case environmentForBuiltin
    // Failure hooks.
    case needsFailureHook(String)
    case warnAfterNotBeforeTimeout(warn: Int64, timeout: Int64)
    case hookTimeoutTooLong(Int64, maximum: Int64)

    public var description: String { message }

    /// The message, as `FILE:LINE:COLUMN: error: ` is followed by. Longer than 60 lines on
    /// purpose: every sentence the config can say, in one switch.
    public var message: String {
        switch self {
        case .cannotOpen(let reason): "cannot read config: \(reason)"
        case .notUTF8: "cannot read config: cannot read it as UTF-8 text"
        case .cannotInspect(let reason): "cannot inspect the config: \(reason)"
        case .notRegularFile: "the config is not a regular file"
        case .foreignOwner(let owner, let user):
            "the config is owned by \(owner), not by \(user) or root: its commands would run as \(user); refusing it"
        case .writableByOthers(let who, let mode, let user):
            "the config is writable by \(who) (mode \(mode)): anyone who can write it runs commands as \(user); "
                + "chmod go-w it"
        case .unsafeCharacter(let scalar):
            "character \(Self.characterName(scalar)) is not allowed in the config: "
                + "use printable text (tab separates words)"
        case .unterminatedQuote: "unterminated quoted string"
        case .wordTooLong(let length):
            "this word is \(length) characters long; the limit is \(ConfigReader.maximumValueLength)"
        case .textAfterSetting: "unexpected text after the setting (quote a value with spaces)"
        case .unknownSetting(let name, let suggestion):
            "unknown setting '\(name)'\(suggestion.map { " (did you mean \($0)?)" } ?? "")"
        case .settingRepeated(let name, let firstLine): "\(name) is already set on line \(firstLine)"
        case .settingNeedsValue(let name): "\(name) needs a value"
        case .retentionNotADuration(let value): "HISTORY_RETENTION: '\(value)' is not a duration (e.g. 30d, 12h)"
        case .retentionZero:
            "HISTORY_RETENTION must be longer than 0: the history is how catch-up knows a fire already ran"
        case .retentionShorterThanCatchup(let retention, let job, let window, let line):
            "HISTORY_RETENTION \(Self.duration(retention)) is shorter than the catch-up window of job '\(job)' "
                + "(catchup=\(Self.duration(window)), line \(line)): catch-up would take pruned history for missed "
                + "fires and run them again; keep the history at least \(Self.duration(window))"
        case .catchupLongerThanRetention(let window, let retention):
            "catchup: \(Self.duration(window)) is longer than the history is kept (HISTORY_RETENTION, default "
                + "\(Self.duration(retention))): set HISTORY_RETENTION=\(Self.duration(window)) or more"
        case .builtinNeedsAppDatabase(let job):
            "built-in job '\(job)' needs the arcade database: set APP_DB=PATH above it"
        case .listenAddress(let error): "HTTP_LISTEN: \(error.description)"
        case .appDatabase(let detail): "APP_DB: \(detail)"
        case .stateDatabaseURL(let detail): "STATE_DB: \(detail)"
        case .lease(let detail): "LEASE: \(detail)"
        case .schedule(let error): error.message
        case .missingJobName(let option):
            "missing job name after the schedule\(option.map { " (found option '\($0)')" } ?? "")"
        case .invalidJobName(let name):
            "invalid job name '\(name)': use letters, digits, '_', '-' or '.', starting with a letter"
        case .duplicateJobName(let name, let firstLine):
            "duplicate job name '\(name)' (first defined on line \(firstLine))"
        case .notAnOption(let raw): "expected key=value, found '\(raw)'"
        case .optionRepeated(let key): "option '\(key)' is given twice"
        case .jobAndCommand: "a job has either job= or command=, not both"
        case .emptyCommand: "command= is empty"
        case .unknownBuiltin(let name, let known, let suggestion):
            "unknown built-in job '\(name)'\(Self.listing(known))\(suggestion.map { "; did you mean '\($0)'?" } ?? "")"
        case .unknownJob(let name, let known, let suggestion):
            "unknown job '\(name)': not a built-in\(Self.listing(known)); \(Self.hint(suggestion))"
                + "add command=\"...\" to run a shell command"
        case .unknownOption(let key, let owner, let suggestion):
            "unknown option '\(key)' for \(owner.wording)\(suggestion.map { " (did you mean '\($0)'?)" } ?? "")"
        case .value(let key, let problem): "\(key): \(problem.message)"
        case .zone(let error): error.description
        case .unlistableVariable(let reason): reason
        case .notADuration(let value): "'\(value)' is not a duration (e.g. 90s, 10m, 2h, 1d)"
        case .notLongerThanZero: "must be longer than 0"
        case .notInRange(let value, let range):
            "'\(value)' is not a number from \(range.lowerBound) to \(range.upperBound)"
        case .notABoolean(let value): "'\(value)' is not true or false"
        case .notAnOverlapPolicy(let value): "'\(value)' is not one of skip, queue, allow"
        case .notAnOnLostPolicy(let value): "'\(value)' is not one of abandon, retry"
        case .allowForBuiltin:
            "'allow' is refused for built-in jobs: they move money and never run twice at once (use skip or queue)"
        case .environmentForBuiltin: "only command jobs start processes; built-in jobs take no env="
        case .needsFailureHook(let key):
            "\(key)= needs a failure hook: set on_failure=\"…\" on this line or ON_FAILURE= above it"
        case .warnAfterNotBeforeTimeout(let warn, let timeout):
            "\(Self.duration(warn)) is not shorter than timeout=\(Self.duration(timeout)): the run would be stopped "
                + "before it is overdue"
        case .hookTimeoutTooLong(let limit, let maximum):
            "\(Self.duration(limit)) is longer than \(Self.duration(maximum)), the most a hook may run"
        }
    }

    static func duration(_ milliseconds: Int64) -> String { DurationText.format(milliseconds: milliseconds) }

    /// ` (built-in jobs: a, b)`, or nothing when there are none.
    static func listing(_ known: [String]) -> String {
        known.isEmpty ? "" : " (built-in jobs: \(known.joined(separator: ", ")))"
    }

    static func hint(_ suggestion: String?) -> String { suggestion.map { "did you mean '\($0)'? " } ?? "" }

    /// `U+001B (ESC)`.
    static func characterName(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return code + (controlNames[scalar.value].map { " (\($0))" } ?? "")
    }

    static let controlNames: [UInt32: String] = [
        0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0A: "LF", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC",
        0x7F: "DEL", 0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR",
    ]
}

extension ConfigProblem.OptionOwner {
    var wording: String {
        switch self {
        case .builtin(let name): "job '\(name)'"
        case .command: "a command job"
        case .undetermined: "this job"
        }
    }
}
