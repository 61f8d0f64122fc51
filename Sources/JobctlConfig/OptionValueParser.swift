import JobctlTime

/// Option values as `jobs.conf` writes them, and as `jobctl-dev _run-builtin --option` takes them:
/// one parser, so that a value the config accepts is accepted there too, with the same words.
///
/// - Durations are `DurationText` (`90s`, `1h30m`, `2w`, a bare `0`); a built-in job's
///   duration option must be longer than 0.
/// - Integers are decimal, within the option's range.
/// - Booleans are `true`, `yes`, `on`, `1` or `false`, `no`, `off`, `0`, in any case.
///
/// A problem is thrown without the option's name; the caller puts it in front
/// (`ConfigProblem.value(of:_:)`).
public enum OptionValueParser {
    public static func duration(_ text: String, allowZero: Bool) throws(ConfigProblem) -> Int64 {
        guard let milliseconds = DurationText.milliseconds(text) else { throw .notADuration(text) }
        guard allowZero || milliseconds > 0 else { throw .notLongerThanZero }
        return milliseconds
    }

    public static func integer(_ text: String, in range: ClosedRange<Int>) throws(ConfigProblem) -> Int {
        guard let number = Int(text), range.contains(number) else { throw .notInRange(text, range) }
        return number
    }

    public static func boolean(_ text: String) throws(ConfigProblem) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: throw .notABoolean(text)
        }
    }

    /// A value of a built-in job's option of this kind.
    public static func value(_ text: String, as kind: JobOptionKind) throws(ConfigProblem) -> JobOptionValue {
        switch kind {
        case .duration: .duration(milliseconds: try duration(text, allowZero: false))
        case .integer(let range): .integer(try integer(text, in: range))
        case .boolean: .boolean(try boolean(text))
        }
    }

    /// `KEY=VALUE` words (`_run-builtin --option`) checked against `job`'s options; a key given
    /// twice keeps its last value.
    public static func builtinOptions(
        _ pairs: [String], for job: BuiltinJobKind
    ) throws(ConfigProblem) -> [String: JobOptionValue] {
        var result: [String: JobOptionValue] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else { throw .notAnOption(pair) }
            let key = String(pair[..<equals])
            let text = String(pair[pair.index(after: equals)...])
            guard let spec = job.options.first(where: { $0.name == key }) else {
                let suggestion = ConfigReader.closest(key, in: job.options.map(\.name))
                throw .unknownOption(key, owner: .builtin(job.name), suggestion: suggestion)
            }
            do {
                result[key] = try value(text, as: spec.kind)
            } catch {
                throw .value(of: key, error)
            }
        }
        return result
    }
}
