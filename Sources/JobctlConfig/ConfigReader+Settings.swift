import JobctlTime

/// Settings: `NAME=value` lines. `TZ=` (or `CRON_TZ=`), `PASS_ENV=` and `ON_FAILURE=` apply to
/// the job lines below them and may be repeated; every other setting may be set once.
extension ConfigReader {
    func readSetting(_ name: String, _ value: String, token: Token, line: ConfigLine, into draft: inout ConfigDraft) {
        if let extra = line.tokens.dropFirst().first {
            draft.report(.textAfterSetting, on: line, at: extra.column, width: extra.raw.count)
            return
        }
        guard Self.settings.contains(name) else {
            let suggestion = Self.closest(name, in: Self.settings)
            draft.report(.unknownSetting(name, suggestion: suggestion), on: line, at: token.column, width: name.count)
            return
        }
        let valueColumn = token.column + name.count + 1
        switch name {
        case "PASS_ENV":
            let list = ChildEnvironment.parseList(value)
            for problem in list.problems {
                draft.report(
                    .value(of: name, .unlistableVariable(reason: problem.message)), on: line,
                    at: valueColumn + problem.offset, width: problem.width)
            }
            draft.passEnvironment = list.names
        case "ON_FAILURE":
            draft.onFailure = JobHooks.command(value)
        case "TZ", "CRON_TZ":
            do {
                draft.zone = try Zones.named(value)
                draft.zoneSource = .setting
            } catch {
                draft.report(.zone(error), on: line, at: valueColumn, width: max(1, value.count))
            }
        default:
            readOnceSetting(name, value, token: token, line: line, into: &draft)
        }
    }

    /// A setting that may be set once (`STATE_DB`, `APP_DB`, `LOCK_DIR`, `HISTORY_RETENTION`,
    /// `HTTP_*`): its value is kept, paths resolved against the config's directory.
    func readOnceSetting(
        _ name: String, _ value: String, token: Token, line: ConfigLine, into draft: inout ConfigDraft
    ) {
        let valueColumn = token.column + name.count + 1
        if let previous = draft.settingLines[name] {
            draft.report(.settingRepeated(name, firstLine: previous), on: line, at: token.column, width: name.count)
            return
        }
        draft.settingLines[name] = line.number
        guard !value.isEmpty else {
            draft.report(.settingNeedsValue(name), on: line, at: valueColumn)
            return
        }
        if let problem = Self.settingValueProblem(name, value) {
            draft.report(problem, on: line, at: valueColumn, width: value.count)
            return
        }
        // A PostgreSQL URL in STATE_DB or APP_DB is kept as is: it names no file to resolve or check.
        let isURL = (name == "STATE_DB" || name == "APP_DB") && StateDatabaseURL.isURL(value)
        let keep = !Self.pathSettings.contains(name) || isURL
        draft.values[name] = keep ? value : Self.resolve(value, relativeTo: baseDirectory)
        if name == "APP_DB" {
            draft.appDatabaseLocation = ConfigLocation(path: path, line: line.number, column: valueColumn)
        }
    }

    /// A problem with the value of a setting that is checked on its own (nil: fine).
    /// `HTTP_LISTEN` is parsed here so that `check` reports a bad address with its line and
    /// column, not only `jobctl run --http` at start.
    static func settingValueProblem(_ name: String, _ value: String) -> ConfigProblem? {
        switch name {
        case "HTTP_LISTEN":
            do {
                _ = try HTTPListenAddress.parse(value)
            } catch {
                return .listenAddress(error)
            }
        case "HISTORY_RETENTION":
            guard let milliseconds = DurationText.milliseconds(value) else { return .retentionNotADuration(value) }
            if milliseconds == 0 { return .retentionZero }
        case "STATE_DB":
            return StateDatabaseURL.problem(value).map { .stateDatabaseURL($0) }
        case "APP_DB":
            // The same URL rules as STATE_DB (issue 11): a path stays a SQLite file.
            return StateDatabaseURL.problem(value).map { .appDatabase($0) }
        case "LEASE":
            return StateDatabaseURL.leaseProblem(value).map { .lease($0) }
        case "MAX_CONCURRENT":
            guard let number = Int(value), maxConcurrentRange.contains(number) else {
                return .value(of: name, .notInRange(value, maxConcurrentRange))
            }
        default:
            break
        }
        return nil
    }
}
