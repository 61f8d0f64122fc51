import ArgumentParser
import Foundation

/// `jobctl-dev`: commands for tests and benchmarks, kept out of the product (`jobctl`). They
/// drive the library from outside a process: racing two claims of a fire, seeding a history,
/// running one built-in job without the scheduler, simulating the arcade's own writer.
@main
struct JobctlDev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobctl-dev",
        abstract: "Development commands of jobctl (tests and benchmarks); not part of the product.",
        subcommands: [
            HistoryBeginCommand.self,
            HistorySeedCommand.self,
            RunBuiltinCommand.self,
            ArcadeWriterCommand.self,
        ]
    )

    /// Runs `body`; an error becomes one line on stderr and exit 1.
    static func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            FileHandle.standardError.write(Data("jobctl-dev: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
