import Foundation

/// The environment of every process jobctl starts: an allow-list, never the scheduler's whole
/// environment, so that no secret of the scheduler (`JOBCTL_HTTP_TOKEN` first of all) reaches a
/// job that prints its environment or hands it on.
///
/// Decisions:
/// - Passed when set in the scheduler's environment: `PATH`, `HOME`, `USER`, `LOGNAME`,
///   `SHELL`, `LANG`, `LANGUAGE`, every `LC_*`, `TZ`, `TZDIR` and `TMPDIR` — what a shell
///   command needs to behave as it does in a login shell (cron passes even less).
/// - More names come from the `PASS_ENV=A,B` setting (for the job lines below it) and the
///   job's `env=A,B` option; the two add up. A listed name that is unset is simply absent.
/// - Secrets (`JOBCTL_HTTP_TOKEN`) can never be passed, and the names jobctl sets for each run
///   (`JOBCTL_JOB`, `JOBCTL_RUN_ID`, `JOBCTL_SCHEDULED_AT`) can't be named either: naming any of
///   them is a config error at its location (`problem(withName:)`).
public enum ChildEnvironment {
    /// Passed to every child when the scheduler has them.
    public static let allowed: [String] = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TZDIR", "TMPDIR",
    ]
    /// Names starting with this are passed too (`LC_ALL`, `LC_TIME`, …).
    public static let allowedPrefix = "LC_"
    /// Variables jobctl treats as secrets: never in a child's environment.
    public static let secrets: Set<String> = ["JOBCTL_HTTP_TOKEN"]
    /// Set by jobctl for each command run.
    /// Failure hooks get `hookNames` too.
    public static let perRun = Set(["JOBCTL_JOB", "JOBCTL_RUN_ID", "JOBCTL_SCHEDULED_AT"]).union(hookNames)
    /// The names jobctl sets for each failure hook (`HookEnvironment`), never passed from the
    /// scheduler's environment.
    public static let hookNames: Set<String> = [
        "JOBCTL_STATUS", "JOBCTL_ERROR", "JOBCTL_CONSECUTIVE_FAILURES", "JOBCTL_HOST",
    ]

    /// The child's environment: the allow-listed and `passing` variables of `parent`, then the
    /// per-run ones. `scheduledAt` is nil for manual runs (the variable is then unset).
    public static func make(
        from parent: [String: String], passing extra: [String], job: String, runID: Int64, scheduledAt: String?
    ) -> [String: String] {
        var child: [String: String] = [:]
        for (name, value) in parent where isAllowed(name) || extra.contains(name) {
            guard !secrets.contains(name), !perRun.contains(name) else { continue }
            child[name] = value
        }
        child["JOBCTL_JOB"] = job
        child["JOBCTL_RUN_ID"] = String(runID)
        child["JOBCTL_SCHEDULED_AT"] = scheduledAt
        return child
    }

    static func isAllowed(_ name: String) -> Bool {
        allowed.contains(name) || name.hasPrefix(allowedPrefix)
    }

    /// Why `name` can't be listed in `env=` or `PASS_ENV=`, or nil when it can.
    public static func problem(withName name: String) -> String? {
        if secrets.contains(name) { return "\(name) is a secret of the scheduler and is never passed to jobs" }
        if perRun.contains(name) { return "\(name) is set by jobctl for each run" }
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0 == "_" || CharacterSet.alphanumerics.contains($0)) })
        else { return "'\(name)' is not a variable name (letters, digits and '_', not starting with a digit)" }
        return nil
    }

    /// A name of an `env=`/`PASS_ENV=` list that can't be listed: where it is in the list, its
    /// length, and why.
    public struct ListProblem: Sendable {
        public var offset: Int
        public var width: Int
        public var message: String
    }

    /// The names of an `A,B,C` list (`env=`, `PASS_ENV=`; blanks around names and empty items
    /// are ignored) and, for each name that can't be listed, its offset in `list`, its length
    /// and why.
    public static func parseList(_ list: String) -> (names: [String], problems: [ListProblem]) {
        var names: [String] = []
        var problems: [ListProblem] = []
        var offset = 0
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            let lead = part.prefix { $0 == " " || $0 == "\t" }.count
            if !name.isEmpty {
                if let problem = problem(withName: name) {
                    problems.append(ListProblem(offset: offset + lead, width: name.count, message: problem))
                } else if !names.contains(name) {
                    names.append(name)
                }
            }
            offset += part.count + 1
        }
        return (names, problems)
    }
}
