import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig

/// `--config PATH` (default `$JOBCTL_CONFIG`, else `./jobs.conf`), shared by every command.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The config file (default: $JOBCTL_CONFIG, else ./jobs.conf).")
    var config: String?

    var path: String {
        config ?? ProcessInfo.processInfo.environment["JOBCTL_CONFIG"] ?? "jobs.conf"
    }

    /// Loads the config; on errors prints every one (with line and caret) to stderr and exits 2.
    func load() throws -> JobsConfig {
        try Self.load(path: path)
    }

    static func load(path: String) throws -> JobsConfig {
        do {
            return try ConfigReader.load(
                path: path, environment: ProcessInfo.processInfo.environment, catalog: ArcadeJobs.registry.catalog)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus.usage)
        }
    }
}
