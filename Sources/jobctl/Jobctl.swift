import ArgumentParser
import Foundation
import JobctlStore

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Jobctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobctl",
        abstract: "Runs the arcade's jobs on time, exactly once, and provably.",
        version: JobctlVersion.current,
        subcommands: [
            RunCommand.self,
            TriggerCommand.self,
            PauseCommand.self,
            ResumeCommand.self,
            ShowCommand.self,
            NodesCommand.self,
            BackfillCommand.self,
            NextCommand.self,
            CheckCommand.self,
            HistoryCommand.self,
            StatsCommand.self,
            MetricsCommand.self,
            ListCommand.self,
            DemoDataCommand.self,
            ArcadeCommand.self,
        ]
    )

    /// Usage errors exit 2 with one line on stderr (docs/commands.md#exit-codes), not ArgumentParser's 64.
    static func main() async {
        // Files are created private: the state database and its -wal/-shm, lock files, the
        // directories jobctl creates and the metrics file are 0600/0700. Command jobs inherit
        // this umask (a command that shares files sets its own, e.g. `umask 022; …`).
        umask(0o077)
        if case .failure(let problem) = ClockOffset.current {
            FileHandle.standardError.write(Data("jobctl: error: \(problem)\n".utf8))
            Foundation.exit(ExitStatus.usage)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
                FileHandle.standardError.write(Data("jobctl: error: \(message) (see 'jobctl help')\n".utf8))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// Writes `jobctl: error: MESSAGE` (one line) to stderr and exits with `code`.
func fail(_ message: String, code: Int32 = ExitStatus.usage) -> ExitCode {
    let line =
        "jobctl: error: \(message.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " "))\n"
    FileHandle.standardError.write(Data(line.utf8))
    return ExitCode(code)
}
