import Foundation
import JobctlTime

/// The failure-hook options of a job line (`JobHooks`) and `MAX_CONCURRENT`'s range.
extension ConfigReader {
    /// `MAX_CONCURRENT=` takes 1 to this.
    static let maxConcurrentRange = 1...10_000

    /// Applies a hook option to `job`; false when `option` is not one.
    func applyHookOption(_ option: OptionWord, to job: inout JobDefinition) throws(ConfigProblem) -> Bool {
        let value = option.value
        switch option.key {
        case "on_failure":
            job.hooks.onFailure = JobHooks.command(value)
        case "on_recovery":
            job.hooks.onRecovery = JobHooks.command(value)
        case "alert_after":
            job.hooks.alertAfter = try OptionValueParser.integer(value, in: JobHooks.alertAfterRange)
        case "warn_after":
            job.hooks.warnAfterMilliseconds = try OptionValueParser.duration(value, allowZero: false)
        case "hook_timeout":
            let limit = try OptionValueParser.duration(value, allowZero: false)
            guard limit <= JobHooks.maximumTimeoutMilliseconds else {
                throw .hookTimeoutTooLong(limit, maximum: JobHooks.maximumTimeoutMilliseconds)
            }
            job.hooks.timeoutMilliseconds = limit
        default:
            return false
        }
        return true
    }

    /// The checks that need the whole line: options that only mean something with a failure
    /// hook, and a `warn_after=` the timeout would always beat. False once a problem is reported.
    func checkHooks(_ job: JobDefinition, options: [OptionWord], line: ConfigLine, into draft: inout ConfigDraft)
        -> Bool
    {
        var ok = true
        if job.hooks.onFailure == nil {
            for option in options where ["on_recovery", "alert_after", "warn_after"].contains(option.key) {
                if option.key == "on_recovery", JobHooks.command(option.value) == nil { continue }
                draft.report(
                    .needsFailureHook(option.key), on: line, at: option.token.column, width: option.key.count)
                ok = false
            }
        }
        if let warn = job.hooks.warnAfterMilliseconds, let timeout = job.timeoutMilliseconds, warn >= timeout,
            let option = options.first(where: { $0.key == "warn_after" })
        {
            draft.report(
                .value(of: option.key, .warnAfterNotBeforeTimeout(warn: warn, timeout: timeout)), on: line,
                at: option.valueColumn, width: option.valueWidth)
            ok = false
        }
        return ok
    }
}
