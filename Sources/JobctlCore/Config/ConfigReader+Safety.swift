import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The checks that keep a config from surprising its operator (issue 9): an unsafe file, text
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
        func failure(_ message: String) -> ConfigErrors {
            ConfigErrors([ConfigError(location: ConfigLocation(path: path, line: 1, column: 1), message: message)])
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw failure("cannot read config: \(errno == ENOENT ? "no such file" : String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        if let problem = FileSafety.configProblem(fd: fd) { throw failure(problem) }
        guard let data = try? handle.readToEnd() ?? Data(), let text = String(data: data, encoding: .utf8) else {
            throw failure("cannot read config: cannot read it as UTF-8 text")
        }
        return text
    }

    /// A problem with the value of a setting that is checked on its own (nil: fine).
    /// `HTTP_LISTEN` is parsed here so that `check` reports a bad address with its line and
    /// column, not only `jobctl run --http` at start.
    static func settingValueProblem(_ name: String, _ value: String) -> String? {
        switch name {
        case "HTTP_LISTEN":
            do {
                _ = try HTTPListenAddress.parse(value)
            } catch {
                return "HTTP_LISTEN: \(error.description)"
            }
        case "HISTORY_RETENTION":
            if DurationText.milliseconds(value) == 0 {
                return "HISTORY_RETENTION must be longer than 0: the history is how catch-up knows a fire already ran"
            }
        default:
            break
        }
        return nil
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
        let windowText = DurationText.format(milliseconds: window)
        let retentionText = DurationText.format(milliseconds: retention)
        if let settingLine, settingLine <= lines.count {
            let text = Self.lineText(lines[settingLine - 1])
            let token = LineScanner(text).tokens.first
            let column = (token?.column ?? 1) + "HISTORY_RETENTION=".count
            return [
                ConfigError(
                    location: ConfigLocation(path: path, line: settingLine, column: column),
                    message: "HISTORY_RETENTION \(retentionText) is shorter than the catch-up window of job "
                        + "'\(job.name)' (catchup=\(windowText), line \(job.line)): catch-up would take pruned "
                        + "history for missed fires and run them again; keep the history at least \(windowText)",
                    lineText: text, width: max(1, (token?.raw.count ?? 1) - "HISTORY_RETENTION=".count))
            ]
        }
        let text = job.line <= lines.count ? Self.lineText(lines[job.line - 1]) : ""
        let token = LineScanner(text).tokens.first { $0.text.hasPrefix("catchup=") }
        return [
            ConfigError(
                location: ConfigLocation(
                    path: path, line: job.line, column: token.map { $0.column + "catchup=".count } ?? 1),
                message: "catchup: \(windowText) is longer than the history is kept (HISTORY_RETENTION, default "
                    + "\(retentionText)): set HISTORY_RETENTION=\(windowText) or more",
                lineText: text, width: max(1, (token?.raw.count ?? 9) - "catchup=".count))
        ]
    }

    static func lineText(_ raw: Substring) -> String {
        String(raw.hasSuffix("\r") ? raw.dropLast() : raw)
    }
}

extension LineScanner {
    /// The first character that must not appear in a config line, anywhere (comments
    /// included): control characters other than tab (NUL, CR, ESC, DEL, C1 controls) and the
    /// invisible ones that reorder or break displayed text (bidirectional controls, line and
    /// paragraph separators). With them, `check` and a terminal show one command while
    /// `/bin/sh` runs another.
    static func unsafeCharacter(in chars: [Character]) -> (message: String, column: Int)? {
        for (index, character) in chars.enumerated() where character != "\t" {
            for scalar in character.unicodeScalars where isUnsafe(scalar) {
                let name = controlNames[scalar.value].map { " (\($0))" } ?? ""
                let code = "U+" + String(format: "%04X", scalar.value)
                let message = "character \(code)\(name) is not allowed in the config: "
                    + "use printable text (tab separates words)"
                return (message, index + 1)
            }
        }
        return nil
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    static let controlNames: [UInt32: String] = [
        0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0A: "LF", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC",
        0x7F: "DEL", 0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR",
    ]

    /// The first word longer than `ConfigReader.maximumValueLength`.
    static func oversizedToken(in tokens: [Token]) -> (message: String, column: Int)? {
        guard let token = tokens.first(where: { $0.text.count > ConfigReader.maximumValueLength }) else { return nil }
        return ("this word is \(token.text.count) characters long; the limit is \(ConfigReader.maximumValueLength)",
            token.column)
    }
}
