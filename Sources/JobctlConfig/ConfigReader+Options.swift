import JobctlTime

/// The `key=value` options of a job line. Values are parsed by `OptionValueParser`, as
/// `_run-builtin` parses its options.
extension ConfigReader {
    /// One `key=value` word of a job line.
    struct OptionWord {
        var key: String
        var value: String
        var token: Token

        var valueColumn: Int { token.column + key.count + 1 }
        var valueWidth: Int { max(1, token.raw.count - key.count - 1) }
    }

    /// The options after the job's name, each key once; false when a word is not one.
    func readOptions(
        _ tokens: ArraySlice<Token>, line: ConfigLine, into draft: inout ConfigDraft
    ) -> (options: [OptionWord], ok: Bool) {
        var options: [OptionWord] = []
        var seen: Set<String> = []
        var ok = true
        for token in tokens {
            guard let (key, value) = token.option else {
                draft.report(.notAnOption(token.raw), on: line, at: token.column, width: token.raw.count)
                ok = false
                continue
            }
            guard seen.insert(key).inserted else {
                draft.report(.optionRepeated(key), on: line, at: token.column, width: key.count)
                ok = false
                continue
            }
            options.append(OptionWord(key: key, value: value, token: token))
        }
        return (options, ok)
    }

    /// Applies one option to `job` (or, for a built-in job's own option, to `builtinOptions`);
    /// false once its problem is reported.
    func apply(
        _ option: OptionWord, target: JobTarget, to job: inout JobDefinition,
        builtinOptions: inout [String: JobOptionValue], line: ConfigLine, draft: inout ConfigDraft
    ) -> Bool {
        if option.key == "env" { return applyEnvironment(option, target: target, to: &job, line: line, draft: &draft) }
        do {
            if try applyCommon(option, target: target, to: &job) { return true }
            guard let kind = target.builtin, let spec = kind.options.first(where: { $0.name == option.key }) else {
                let known = Self.commonOptions + (target.builtin?.options.map(\.name) ?? [])
                let suggestion = Self.closest(option.key, in: known)
                draft.report(
                    .unknownOption(option.key, owner: target.owner, suggestion: suggestion), on: line,
                    at: option.token.column, width: option.key.count)
                return false
            }
            builtinOptions[option.key] = try OptionValueParser.value(option.value, as: spec.kind)
            return true
        } catch {
            draft.report(.value(of: option.key, error), on: line, at: option.valueColumn, width: option.valueWidth)
            return false
        }
    }

    /// Applies an option every job takes (`commonOptions` but `env`); false when `option` is
    /// not one.
    func applyCommon(
        _ option: OptionWord, target: JobTarget, to job: inout JobDefinition
    ) throws(ConfigProblem) -> Bool {
        let value = option.value
        switch option.key {
        case "job", "command":
            break
        case "tz":
            do { job.zone = try Zones.named(value) } catch { throw .zone(error) }
            job.zoneSource = .option
        case "timeout":
            job.timeoutMilliseconds = try OptionValueParser.duration(value, allowZero: false)
        case "retries":
            job.retries = try OptionValueParser.integer(value, in: 0...100)
        case "backoff":
            job.backoffMilliseconds = try OptionValueParser.duration(value, allowZero: false)
        case "overlap":
            job.overlap = try Self.overlap(value, builtin: target.builtin != nil)
        case "catchup":
            if value == "off" {
                job.catchupMilliseconds = nil
            } else {
                job.catchupMilliseconds = try OptionValueParser.duration(value, allowZero: false)
            }
        case "jitter":
            job.jitterMilliseconds = try OptionValueParser.duration(value, allowZero: true)
        case "enabled":
            job.enabled = try OptionValueParser.boolean(value)
        case "on_lost":
            guard let policy = OnLostPolicy(rawValue: value) else { throw .notAnOnLostPolicy(value) }
            job.onLost = policy
        default:
            return try applyHookOption(option, to: &job)
        }
        return true
    }

    /// Decision: built-in jobs refuse `overlap=allow`: they move money.
    static func overlap(_ value: String, builtin: Bool) throws(ConfigProblem) -> OverlapPolicy {
        guard let policy = OverlapPolicy(rawValue: value) else { throw .notAnOverlapPolicy(value) }
        if policy == .allow && builtin { throw .allowForBuiltin }
        return policy
    }

    /// `env=A,B`: variables passed to a command job's processes beyond the allowed ones.
    func applyEnvironment(
        _ option: OptionWord, target: JobTarget, to job: inout JobDefinition, line: ConfigLine,
        draft: inout ConfigDraft
    ) -> Bool {
        let list = ChildEnvironment.parseList(option.value)
        let quoted = option.token.raw.dropFirst(option.key.count + 1).first == "\""
        let listColumn = option.valueColumn + (quoted ? 1 : 0)
        for problem in list.problems {
            draft.report(
                .value(of: option.key, .unlistableVariable(reason: problem.message)), on: line,
                at: listColumn + problem.offset, width: problem.width)
        }
        var ok = list.problems.isEmpty
        if target.builtin != nil {
            draft.report(
                .value(of: option.key, .environmentForBuiltin), on: line, at: option.valueColumn,
                width: option.valueWidth)
            ok = false
        }
        job.passEnvironment += list.names.filter { !job.passEnvironment.contains($0) }
        return ok
    }
}
