import Foundation

/// Reads `jobs.conf` (SPEC §4): settings (`NAME=value`) that apply to the job lines below
/// them, and job lines `SCHEDULE JOB [key=value ...]`. Every problem is collected with its
/// location; nothing is returned unless the whole file is valid.
///
/// Decisions where the SPEC is silent:
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

    public init(path: String, machineZone: ZoneRules) {
        self.path = path
        self.machineZone = machineZone
    }

    /// Reads and validates the file at `path`.
    public static func load(path: String, environment: [String: String]) throws(ConfigErrors) -> JobsConfig {
        let text = try readConfigText(path: path)
        return try ConfigReader(path: path, machineZone: Zones.current(environment: environment)).parse(text)
    }

    static let pathSettings: Set<String> = ["STATE_DB", "APP_DB", "LOCK_DIR", "HTTP_TOKEN_FILE"]
    static let settings: [String] = [
        "TZ", "CRON_TZ", "STATE_DB", "APP_DB", "LOCK_DIR", "HISTORY_RETENTION", "HTTP_LISTEN", "HTTP_TOKEN_FILE",
        "PASS_ENV",
    ]
    static let commonOptions: [String] = [
        "tz", "timeout", "retries", "backoff", "overlap", "catchup", "jitter", "enabled", "job", "command", "env",
    ]

    /// Parses config text (the file's contents).
    public func parse(_ text: String) throws(ConfigErrors) -> JobsConfig {
        var errors: [ConfigError] = []
        var settingLines: [String: Int] = [:]
        var values: [String: String] = [:]
        var zone: (ZoneRules, ZoneSource) = (machineZone, .machine)
        var passEnvironment: [String] = []  // PASS_ENV=, like TZ= for the lines below it; empty resets
        var jobs: [JobDefinition] = []
        var appDatabaseLocation: ConfigLocation?
        var jobLines: [String: Int] = [:]
        var builtinLine: (name: String, line: Int, column: Int, text: String)?
        let baseDirectory = (path as NSString).deletingLastPathComponent

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let lineText = String(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            let line = LineScanner(lineText)
            func report(_ message: String, at column: Int, width: Int = 1) {
                errors.append(
                    ConfigError(
                        location: ConfigLocation(path: path, line: lineNumber, column: column),
                        message: message, lineText: lineText, width: width))
            }
            if let problem = line.problem {
                report(problem.message, at: problem.column)
                continue
            }
            let tokens = line.tokens
            guard let first = tokens.first else { continue }

            // MARK: Settings
            if let setting = first.setting {
                guard tokens.count == 1 else {
                    report("unexpected text after the setting (quote a value with spaces)", at: tokens[1].column, width: tokens[1].raw.count)
                    continue
                }
                let (name, value) = setting
                guard Self.settings.contains(name) else {
                    let hint = Self.closest(name, in: Self.settings).map { " (did you mean \($0)?)" } ?? ""
                    report("unknown setting '\(name)'\(hint)", at: first.column, width: name.count)
                    continue
                }
                let valueColumn = first.column + name.count + 1
                if name == "PASS_ENV" {
                    let list = ChildEnvironment.parseList(value)
                    for p in list.problems {
                        report("PASS_ENV: \(p.message)", at: valueColumn + p.offset, width: p.width)
                    }
                    passEnvironment = list.names
                    continue
                }
                if name == "TZ" || name == "CRON_TZ" {
                    do {
                        zone = (try Zones.named(value), .setting)
                    } catch {
                        report(error.description, at: valueColumn, width: max(1, value.count))
                    }
                    continue
                }
                if let previous = settingLines[name] {
                    report("\(name) is already set on line \(previous)", at: first.column, width: name.count)
                    continue
                }
                settingLines[name] = lineNumber
                guard !value.isEmpty else {
                    report("\(name) needs a value", at: valueColumn)
                    continue
                }
                if name == "HISTORY_RETENTION", DurationText.milliseconds(value) == nil {
                    report("HISTORY_RETENTION: '\(value)' is not a duration (e.g. 30d, 12h)", at: valueColumn, width: value.count)
                    continue
                }
                if let problem = Self.settingValueProblem(name, value) {
                    report(problem, at: valueColumn, width: value.count)
                    continue
                }
                values[name] = Self.pathSettings.contains(name) ? Self.resolve(value, relativeTo: baseDirectory) : value
                if name == "APP_DB" {
                    appDatabaseLocation = ConfigLocation(path: path, line: lineNumber, column: valueColumn)
                }
                continue
            }

            // MARK: Job lines
            var scheduleCount: Int
            if first.text.hasPrefix("@") {
                scheduleCount = first.text.lowercased() == "@every" ? 2 : 1
            } else {
                scheduleCount = tokens.count > 6 && tokens[5].looksLikeCronField ? 6 : 5
            }
            let scheduleTokens = tokens.prefix(min(scheduleCount, tokens.count))
            let scheduleStart = first.column
            let last = scheduleTokens.last!
            let scheduleEnd = last.column + last.raw.count
            let scheduleText = String(lineText.dropFirst(scheduleStart - 1).prefix(scheduleEnd - scheduleStart))
            var schedule: Schedule?
            do {
                schedule = try Schedule.parse(scheduleText)
            } catch {
                report(error.message, at: scheduleStart + error.span.lowerBound, width: error.span.count)
            }
            guard tokens.count > scheduleCount else {
                if schedule != nil { report("missing job name after the schedule", at: scheduleEnd) }
                continue
            }
            let nameToken = tokens[scheduleCount]
            let name = nameToken.text
            guard !nameToken.raw.contains("="), Self.isValidJobName(name) else {
                let problem = nameToken.raw.contains("=") ? "missing job name after the schedule (found option '\(nameToken.raw)')"
                    : "invalid job name '\(name)': use letters, digits, '_', '-' or '.', starting with a letter"
                report(problem, at: nameToken.column, width: nameToken.raw.count)
                continue
            }
            if let previous = jobLines[name] {
                report("duplicate job name '\(name)' (first defined on line \(previous))", at: nameToken.column, width: name.count)
                continue
            }
            jobLines[name] = lineNumber

            var options: [String: (value: String, token: Token)] = [:]
            var optionOrder: [String] = []
            var lineOK = schedule != nil
            for token in tokens.dropFirst(scheduleCount + 1) {
                guard let (key, value) = token.option else {
                    report("expected key=value, found '\(token.raw)'", at: token.column, width: token.raw.count)
                    lineOK = false
                    continue
                }
                if options[key] != nil {
                    report("option '\(key)' is given twice", at: token.column, width: key.count)
                    lineOK = false
                    continue
                }
                options[key] = (value, token)
                optionOrder.append(key)
            }

            // What the job runs.
            var action: JobAction?
            var builtin: BuiltinJobKind?
            if let command = options["command"] {
                if let other = options["job"] {
                    report("a job has either job= or command=, not both", at: other.token.column, width: other.token.raw.count)
                    lineOK = false
                } else if command.value.trimmingCharacters(in: .whitespaces).isEmpty {
                    report("command= is empty", at: command.token.column, width: command.token.raw.count)
                    lineOK = false
                } else {
                    action = .command(command.value)
                }
            } else {
                let kindName = options["job"]?.value ?? name
                builtin = BuiltinJobs.named(kindName)
                if builtin == nil {
                    let known = BuiltinJobs.kinds.map(\.name)
                    let hint = Self.closest(kindName, in: known).map { "did you mean '\($0)'? " } ?? ""
                    let listing = known.isEmpty ? "" : " (built-in jobs: \(known.joined(separator: ", ")))"
                    if let jobOption = options["job"] {
                        report("unknown built-in job '\(kindName)'\(listing); \(hint)", at: jobOption.token.column, width: jobOption.token.raw.count)
                    } else {
                        report("unknown job '\(name)': not a built-in\(listing); \(hint)add command=\"...\" to run a shell command",
                            at: nameToken.column, width: name.count)
                    }
                    lineOK = false
                } else if builtinLine == nil {
                    builtinLine = (name, lineNumber, nameToken.column, lineText)
                }
            }

            // Options.
            var definition = JobDefinition(
                name: name, schedule: schedule ?? Schedule(text: "", kind: .reboot),
                zone: builtin != nil && zone.1 == .machine ? Self.utc : zone.0,
                zoneSource: builtin != nil && zone.1 == .machine ? .builtinDefault : zone.1,
                action: action ?? .command(""), timeoutMilliseconds: nil, retries: 0, backoffMilliseconds: 1000,
                overlap: .skip, catchupMilliseconds: builtin?.defaultCatchupMilliseconds, jitterMilliseconds: 0,
                enabled: true, line: lineNumber)
            definition.passEnvironment = passEnvironment
            var builtinOptions: [String: JobOptionValue] = [:]
            for key in optionOrder {
                let (value, token) = options[key]!
                let valueColumn = token.column + key.count + 1
                func bad(_ message: String) {
                    report("\(key): \(message)", at: valueColumn, width: max(1, token.raw.count - key.count - 1))
                    lineOK = false
                }
                func duration(allowZero: Bool) -> Int64? {
                    guard let ms = DurationText.milliseconds(value) else {
                        bad("'\(value)' is not a duration (e.g. 90s, 10m, 2h, 1d)")
                        return nil
                    }
                    if !allowZero && ms == 0 {
                        bad("must be longer than 0")
                        return nil
                    }
                    return ms
                }
                switch key {
                case "job", "command":
                    break
                case "tz":
                    do {
                        definition.zone = try Zones.named(value)
                        definition.zoneSource = .option
                    } catch {
                        bad(error.description)
                    }
                case "timeout":
                    if let ms = duration(allowZero: false) { definition.timeoutMilliseconds = ms }
                case "retries":
                    if let n = Int(value), (0...100).contains(n) { definition.retries = n } else { bad("'\(value)' is not a number from 0 to 100") }
                case "backoff":
                    if let ms = duration(allowZero: false) { definition.backoffMilliseconds = ms }
                case "overlap":
                    if let policy = OverlapPolicy(rawValue: value) {
                        if policy == .allow, builtin != nil {
                            bad("'allow' is refused for built-in jobs: they move money and never run twice at once (use skip or queue)")
                        } else {
                            definition.overlap = policy
                        }
                    } else {
                        bad("'\(value)' is not one of skip, queue, allow")
                    }
                case "catchup":
                    if value == "off" { definition.catchupMilliseconds = nil } else if let ms = duration(allowZero: false) { definition.catchupMilliseconds = ms }
                case "jitter":
                    if let ms = duration(allowZero: true) { definition.jitterMilliseconds = ms }
                case "enabled":
                    if let flag = Self.boolean(value) { definition.enabled = flag } else { bad("'\(value)' is not true or false") }
                case "env":
                    let list = ChildEnvironment.parseList(value)
                    let listColumn = valueColumn + (token.raw.dropFirst(key.count + 1).first == "\"" ? 1 : 0)
                    for p in list.problems { report("env: \(p.message)", at: listColumn + p.offset, width: p.width) }
                    if !list.problems.isEmpty { lineOK = false }
                    if builtin != nil { bad("only command jobs start processes; built-in jobs take no env=") }
                    definition.passEnvironment += list.names.filter { !definition.passEnvironment.contains($0) }
                default:
                    guard let builtin, let spec = builtin.options.first(where: { $0.name == key }) else {
                        let known = Self.commonOptions + (builtin?.options.map(\.name) ?? [])
                        let hint = Self.closest(key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                        let owner = builtin.map { "job '\($0.name)'" } ?? (action != nil ? "a command job" : "this job")
                        report("unknown option '\(key)' for \(owner)\(hint)", at: token.column, width: key.count)
                        lineOK = false
                        continue
                    }
                    switch spec.kind {
                    case .duration:
                        if let ms = duration(allowZero: false) { builtinOptions[key] = .duration(milliseconds: ms) }
                    case .integer(let range):
                        if let n = Int(value), range.contains(n) { builtinOptions[key] = .integer(n) } else { bad("'\(value)' is not a number from \(range.lowerBound) to \(range.upperBound)") }
                    case .boolean:
                        if let flag = Self.boolean(value) { builtinOptions[key] = .boolean(flag) } else { bad("'\(value)' is not true or false") }
                    }
                }
            }
            if let builtin { definition.action = .builtin(builtin, options: builtinOptions) }
            if lineOK, action != nil || builtin != nil {
                jobs.append(definition)
            }
        }

        if let builtinLine, values["APP_DB"] == nil {
            errors.append(
                ConfigError(
                    location: ConfigLocation(path: path, line: builtinLine.line, column: builtinLine.column),
                    message: "built-in job '\(builtinLine.name)' needs the arcade database: set APP_DB=PATH above it",
                    lineText: builtinLine.text, width: builtinLine.name.count))
        }
        let retention = values["HISTORY_RETENTION"].flatMap { DurationText.milliseconds($0) } ?? 90 * 86_400_000
        errors += retentionProblems(
            lines: lines, settingLine: settingLines["HISTORY_RETENTION"], retention: retention, jobs: jobs)
        guard errors.isEmpty else {
            throw ConfigErrors(errors.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) })
        }
        let stateDB = values["STATE_DB"] ?? Self.resolve("jobctl.db", relativeTo: baseDirectory)
        var config = JobsConfig(
            path: path, stateDatabasePath: stateDB, appDatabasePath: values["APP_DB"],
            lockDirectory: values["LOCK_DIR"] ?? (stateDB as NSString).deletingLastPathComponent,
            historyRetentionMilliseconds: retention,
            httpListen: values["HTTP_LISTEN"], httpTokenFile: values["HTTP_TOKEN_FILE"], jobs: jobs)
        config.appDatabaseLocation = appDatabaseLocation
        return config
    }

    /// The zone of built-in jobs without `tz=` or `TZ=`: ARCADE.md dates pools in UTC unless
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
        return name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }
    }

    static func boolean(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }

    static func closest(_ word: String, in candidates: [String]) -> String? {
        guard word.count <= 64 else { return nil }  // no name is that long: no suggestion work
        let target = Array(word.lowercased().utf8)
        let best = candidates.map { (Zones.editDistance(target, Array($0.lowercased().utf8)), $0) }.min { $0 < $1 }
        guard let best, best.0 <= max(2, word.count / 3) else { return nil }
        return best.1
    }
}

/// A word of a config line with its 1-based column. `raw` is the text as written (quotes
/// included), `text` with quotes removed and escapes resolved.
struct Token {
    var raw: String
    var text: String
    var column: Int
    /// Offset in `text` of the first `=` outside quotes, if any.
    var equalsIndex: Int?

    /// `NAME=value` with an upper-case name: a setting.
    var setting: (String, String)? {
        guard let (key, value) = option, let first = key.unicodeScalars.first,
            CharacterSet.uppercaseLetters.contains(first) || first == "_",
            key.unicodeScalars.allSatisfy({ CharacterSet.uppercaseLetters.contains($0) || CharacterSet.decimalDigits.contains($0) || $0 == "_" })
        else { return nil }
        return (key, value)
    }

    /// `key=value`.
    var option: (String, String)? {
        guard let i = equalsIndex, i > 0 else { return nil }
        let key = String(text.prefix(i))
        guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return (key, String(text.dropFirst(i + 1)))
    }

    var looksLikeCronField: Bool {
        let upper = raw.uppercased()
        guard !upper.isEmpty, upper.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "*?,/#-".contains($0)) }) else {
            return false
        }
        let words = upper.split(whereSeparator: { !$0.isLetter })
        return words.allSatisfy { word in
            word == "L" || word == "W" || word == "LW" || CronFieldKind.monthNames[String(word)] != nil
                || CronFieldKind.dayNames[String(word)] != nil
        }
    }
}

/// Splits one line into tokens: whitespace separates, double quotes group (with `\"` and
/// `\\` escapes), and `#` at the start of a token outside quotes starts a comment.
struct LineScanner {
    var tokens: [Token] = []
    var problem: (message: String, column: Int)?

    init(_ line: String) {
        let chars = Array(line)
        if let unsafe = Self.unsafeCharacter(in: chars) {
            problem = unsafe
            return
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "#" { break }
            let start = i
            var text = ""
            var equals: Int?
            while i < chars.count, chars[i] != " ", chars[i] != "\t" {
                if chars[i] == "\"" {
                    let quote = i
                    i += 1
                    var closed = false
                    while i < chars.count {
                        if chars[i] == "\\", i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "\\" {
                            text.append(chars[i + 1])
                            i += 2
                            continue
                        }
                        if chars[i] == "\"" { closed = true; i += 1; break }
                        text.append(chars[i])
                        i += 1
                    }
                    if !closed {
                        problem = ("unterminated quoted string", quote + 1)
                        return
                    }
                    continue
                }
                if chars[i] == "=", equals == nil { equals = text.count }
                text.append(chars[i])
                i += 1
            }
            tokens.append(Token(raw: String(chars[start..<i]), text: text, column: start + 1, equalsIndex: equals))
        }
        if let oversized = Self.oversizedToken(in: tokens) { problem = oversized }
    }
}
