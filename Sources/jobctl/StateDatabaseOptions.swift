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
