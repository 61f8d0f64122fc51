import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig
import JobctlReports
import JobctlStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the history database is: `--state-db`, else STATE_DB of the config (`--config`,
/// `$JOBCTL_CONFIG`, `./jobs.conf`), else `jobctl.db` beside where the config would be.
/// The config, when there is one, also gives each job's zone for display.
struct StateDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The config file (default: $JOBCTL_CONFIG, else ./jobs.conf).")
    var config: String?

    @Option(
        name: .customLong("state-db"),
        help: ArgumentHelp(
            "The history database (default: STATE_DB of the config, else jobctl.db beside it).", valueName: "path"))
    var stateDB: String?

    struct Resolved {
        var path: String
        var config: JobsConfig?

        func zone(_ job: String) -> TimeZone? { config?.job(named: job)?.zone.timeZone }
    }

    /// Reads the config when it exists (a bad one is a usage error, exit 2); a config named
    /// with `--config` must exist.
    func resolve() throws -> Resolved {
        let configPath =
            config ?? ProcessInfo.processInfo.environment["JOBCTL_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "jobs.conf"
        var loaded: JobsConfig?
        if config != nil || FileManager.default.fileExists(atPath: configPath) {
            loaded = try ConfigOptions.load(path: configPath)
        }
        if let stateDB { return Resolved(path: stateDB, config: loaded) }
        if let loaded { return Resolved(path: loaded.stateDatabasePath, config: loaded) }
        let directory = (configPath as NSString).deletingLastPathComponent
        return Resolved(
            path: directory.isEmpty ? "jobctl.db" : (directory as NSString).appendingPathComponent("jobctl.db"),
            config: nil)
    }
}

/// Exit codes and one-line messages shared by the history commands.
enum HistoryCLI {
    static func fail(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("jobctl: \(message)\n".utf8))
        return ExitCode(code)
    }

    /// Runs `body`; a history error becomes one line on stderr and exit 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as HistoryError {
            if case .invalidArgument(let message) = error { throw fail(message, code: 2) }
            throw fail(error.description, code: 1)
        }
    }

    /// Opens the history for reading: read-only (works on a file this user may not write, and
    /// never takes the write lock), or read-write once if the database needs a migration.
    /// nil when the database does not exist yet, nor perhaps its directory: before the first
    /// run there is nothing to show, which is not an error, and nothing is created.
    static func openForReading(_ path: String) throws -> (any StateStore)? {
        do {
            return try HistoryStore(path: path, readOnly: true)
        } catch HistoryError.needsMigration {
            return try HistoryStore(path: path, mustExist: true)
        } catch HistoryError.missingFile, HistoryError.missingDirectory {
            return nil
        }
    }

    /// What the read commands print before the first run.
    static func noExecutionsYet(_ path: String) -> String {
        "no executions yet (no history database at \(path))\n"
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Colour only on a terminal, and never with NO_COLOR set (no-color.org).
    static var stdoutIsTerminal: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// `--since`: RFC 3339 or a duration back from now. Usage error (exit 2) when unreadable.
    static func since(_ text: String?) throws -> Date? {
        guard let text else { return nil }
        guard let date = HistorySince.parse(text, now: Date()) else {
            throw fail(
                "--since: \"\(text)\" is neither an RFC 3339 time (2026-03-08T07:00:00Z) nor a duration (24h, 7d)",
                code: 2)
        }
        return date
    }

}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show executions, newest first.")

    @OptionGroup var database: StateDatabaseOptions
    @Option(help: "Show at most this many executions.") var limit: Int = 20
    @Option(help: "Only this job.") var job: String?
    @Option(help: "Only this status: \(ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", ")).") var status:
        String?
    @Option(help: "Only executions that started since: RFC 3339, or a duration back from now (24h, 7d).") var since:
        String?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        guard limit >= 0 else { throw HistoryCLI.fail("--limit must not be negative", code: 2) }
        var statusFilter: ExecutionStatus?
        if let status {
            guard let parsed = ExecutionStatus(rawValue: status) else {
                throw HistoryCLI.fail(
                    "--status: unknown status \"\(status)\" (one of \(ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", ")))",
                    code: 2)
            }
            statusFilter = parsed
        }
        let sinceDate = try HistoryCLI.since(since)
        let resolved = try database.resolve()
        try HistoryCLI.run {
            guard let store = try HistoryCLI.openForReading(resolved.path) else {
                HistoryCLI.write(json ? try HistoryRenderer.json([]) : HistoryCLI.noExecutionsYet(resolved.path))
                return
            }
            let records = try store.executions(
                HistoryFilter(limit: limit, job: job, status: statusFilter, since: sinceDate))
            HistoryCLI.write(
                json
                    ? try HistoryRenderer.json(records)
                    : HistoryRenderer.table(
                        records, zone: resolved.zone, readings: ArcadeJobs.registry.counterReadings,
                        color: HistoryCLI.stdoutIsTerminal))
        }
    }
}
