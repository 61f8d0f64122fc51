import Foundation
import JobctlTime

/// Job lines: `SCHEDULE NAME [key=value ...]`, read as schedule, name, options, then what the
/// job runs. A line with any error defines no job.
extension ConfigReader {
    /// What a job line runs, once its `job=`, `command=` and name are read.
    enum JobTarget {
        case command(String)
        case builtin(BuiltinJobKind)
        /// Neither: the reason is already reported.
        case undetermined

        var builtin: BuiltinJobKind? {
            if case .builtin(let kind) = self { kind } else { nil }
        }

        var owner: ConfigProblem.OptionOwner {
            switch self {
            case .command: .command
            case .builtin(let kind): .builtin(kind.name)
            case .undetermined: .undetermined
            }
        }
    }

    /// The schedule at the start of a job line: its value (nil once its problem is reported),
    /// how many words it takes and the column after it.
    struct ScheduleWords {
        var schedule: Schedule?
        var count: Int
        var end: Int
    }

    func readJobLine(_ line: ConfigLine, first: Token, into draft: inout ConfigDraft) {
        let schedule = readSchedule(line, first: first, into: &draft)
        guard let nameToken = readName(line, after: schedule, into: &draft) else { return }
        let (options, optionsOK) = readOptions(line.tokens.dropFirst(schedule.count + 1), line: line, into: &draft)
        let target = readTarget(line, name: nameToken, options: options, into: &draft)
        var job = definition(
            named: nameToken.text, line: line, schedule: schedule.schedule, target: target, draft: draft)
        var lineOK = schedule.schedule != nil && optionsOK
        var builtinOptions: [String: JobOptionValue] = [:]
        for option in options
        where !apply(
            option, target: target, to: &job, builtinOptions: &builtinOptions,
            line: line, draft: &draft)
        {
            lineOK = false
        }
        if !checkHooks(job, options: options, line: line, into: &draft) { lineOK = false }
        switch target {
        case .builtin(let kind):
            job.action = .builtin(kind, options: builtinOptions)
        case .command(let command):
            job.action = .command(command)
        case .undetermined:
            return
        }
        if lineOK { draft.jobs.append(job) }
    }

    /// Decision: a schedule has six fields when its sixth word looks like a cron field, and
    /// `@every` takes one word after it.
    func readSchedule(_ line: ConfigLine, first: Token, into draft: inout ConfigDraft) -> ScheduleWords {
        let tokens = line.tokens
        let count: Int
        if first.text.hasPrefix("@") {
            count = first.text.lowercased() == "@every" ? 2 : 1
        } else {
            count = tokens.count > 6 && tokens[5].looksLikeCronField ? 6 : 5
        }
        let last = tokens.prefix(count).last ?? first
        let end = last.column + last.raw.count
        let text = String(line.text.dropFirst(first.column - 1).prefix(end - first.column))
        do {
            return ScheduleWords(schedule: try Schedule.parse(text), count: count, end: end)
        } catch {
            draft.report(.schedule(error), on: line, at: first.column + error.span.lowerBound, width: error.span.count)
            return ScheduleWords(schedule: nil, count: count, end: end)
        }
    }

    /// The job's name after the schedule, or nil once its problem is reported.
    func readName(_ line: ConfigLine, after schedule: ScheduleWords, into draft: inout ConfigDraft) -> Token? {
        guard schedule.count < line.tokens.count else {
            if schedule.schedule != nil { draft.report(.missingJobName(foundOption: nil), on: line, at: schedule.end) }
            return nil
        }
        let token = line.tokens[schedule.count]
        let name = token.text
        guard !token.raw.contains("=") else {
            draft.report(.missingJobName(foundOption: token.raw), on: line, at: token.column, width: token.raw.count)
            return nil
        }
        guard Self.isValidJobName(name) else {
            draft.report(.invalidJobName(name), on: line, at: token.column, width: token.raw.count)
            return nil
        }
        if let previous = draft.jobLines[name] {
            draft.report(.duplicateJobName(name, firstLine: previous), on: line, at: token.column, width: name.count)
            return nil
        }
        draft.jobLines[name] = line.number
        return token
    }

    /// What the job runs: `command=`, else the built-in job `job=` names, else the one its name
    /// names.
    func readTarget(
        _ line: ConfigLine, name: Token, options: [OptionWord], into draft: inout ConfigDraft
    ) -> JobTarget {
        let job = options.first { $0.key == "job" }
        if let command = options.first(where: { $0.key == "command" }) {
            if let job {
                draft.report(.jobAndCommand, on: line, at: job.token.column, width: job.token.raw.count)
                return .undetermined
            }
            guard !command.value.trimmingCharacters(in: .whitespaces).isEmpty else {
                draft.report(.emptyCommand, on: line, at: command.token.column, width: command.token.raw.count)
                return .undetermined
            }
            return .command(command.value)
        }
        let kindName = job?.value ?? name.text
        guard let kind = catalog.named(kindName) else {
            let known = catalog.names
            let suggestion = Self.closest(kindName, in: known)
            if let job {
                draft.report(
                    .unknownBuiltin(kindName, known: known, suggestion: suggestion), on: line,
                    at: job.token.column, width: job.token.raw.count)
            } else {
                draft.report(
                    .unknownJob(name.text, known: known, suggestion: suggestion), on: line,
                    at: name.column, width: name.text.count)
            }
            return .undetermined
        }
        if draft.missingAppDatabase == nil {
            draft.missingAppDatabase = line.error(
                .builtinNeedsAppDatabase(job: name.text), at: name.column, width: name.text.count)
        }
        return .builtin(kind)
    }

    /// The job with its defaults, before its options. Built-in jobs without `tz=` or `TZ=`
    /// fire in UTC (`utc`).
    func definition(
        named name: String, line: ConfigLine, schedule: Schedule?, target: JobTarget, draft: ConfigDraft
    ) -> JobDefinition {
        let builtin = target.builtin
        let utcDefault = builtin != nil && draft.zoneSource == .machine
        var job = JobDefinition(
            name: name, schedule: schedule ?? Schedule(text: "", kind: .reboot),
            zone: utcDefault ? Self.utc : draft.zone, zoneSource: utcDefault ? .builtinDefault : draft.zoneSource,
            action: .command(""), timeoutMilliseconds: nil, retries: 0, backoffMilliseconds: 1000,
            overlap: .skip, catchupMilliseconds: builtin?.defaultCatchupMilliseconds, jitterMilliseconds: 0,
            enabled: true, line: line.number)
        job.passEnvironment = draft.passEnvironment
        job.hooks.onFailure = draft.onFailure
        return job
    }
}
