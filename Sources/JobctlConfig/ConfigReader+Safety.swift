import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The checks that keep a config from surprising its operator : an unsafe file, text
/// that displays differently from what runs, oversized values, settings that make no sense
/// together. Each is a located error like any other config problem.
extension ConfigReader {
    /// The longest word of a config line (a command, a path, any value), in characters.
    /// Decision: 4096 (`PATH_MAX`, and far beyond any sensible command; a longer script
    /// belongs in a file the command runs). Zone names have their own, smaller limit
    /// (`Zones.maximumNameLength`).
    public static let maximumValueLength = 4096

    /// Reads the config at `path` through one descriptor: the file is checked (`FileSafety`:
    /// a trusted owner, not writable by group or others) on the descriptor it is read from,
    /// so a rename in between cannot swap it.
    static func readConfigText(path: String) throws(ConfigErrors) -> String {
        func failure(_ problem: ConfigProblem) -> ConfigErrors {
            ConfigErrors([ConfigError(location: ConfigLocation(path: path, line: 1, column: 1), problem: problem)])
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw failure(.cannotOpen(reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno))))
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        if let problem = FileSafety.configProblem(fd: fd) { throw failure(problem) }
        guard let data = try? handle.readToEnd() ?? Data(), let text = String(data: data, encoding: .utf8) else {
            throw failure(.notUTF8)
        }
        return text
    }

    /// Retention shorter than a catch-up window re-runs fires: once the last run of a job is
    /// pruned, catch-up reads "no history" as a missed fire. Decision: the history must be
    /// kept at least as long as the longest `catchup=` window of any job (enabled or not: a
    /// reload may enable it). Reported at the `HISTORY_RETENTION` value when it is set,
    /// naming the job with the longest window; else (the 90-day default) at that job's
    /// `catchup=`.
    func retentionProblems(
        lines: [Substring], settingLine: Int?, retention: Int64, jobs: [JobDefinition]
    ) -> [ConfigError] {
        let windows = jobs.compactMap { job in job.catchupMilliseconds.map { (job, $0) } }
        guard let (job, window) = windows.max(by: { $0.1 < $1.1 }), window > retention else { return [] }
        if let settingLine, settingLine <= lines.count {
            let text = Self.lineText(lines[settingLine - 1])
            let token = LineScanner(text).tokens.first
            let column = (token?.column ?? 1) + "HISTORY_RETENTION=".count
            let problem = ConfigProblem.retentionShorterThanCatchup(
                retention: retention, job: job.name, window: window, line: job.line)
            return [
                ConfigError(
                    location: ConfigLocation(path: path, line: settingLine, column: column), problem: problem,
                    lineText: text, width: max(1, (token?.raw.count ?? 1) - "HISTORY_RETENTION=".count))
            ]
        }
        let text = job.line <= lines.count ? Self.lineText(lines[job.line - 1]) : ""
        let token = LineScanner(text).tokens.first { $0.text.hasPrefix("catchup=") }
        return [
            ConfigError(
                location: ConfigLocation(
                    path: path, line: job.line, column: token.map { $0.column + "catchup=".count } ?? 1),
                problem: .catchupLongerThanRetention(window: window, retention: retention),
                lineText: text, width: max(1, (token?.raw.count ?? 9) - "catchup=".count))
        ]
    }
}
