import ArgumentParser
import Foundation
import JobctlCore

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
            BackfillCommand.self,
            NextCommand.self,
            CheckCommand.self,
            HistoryCommand.self,
            StatsCommand.self,
            MetricsCommand.self,
            ListCommand.self,
            DemoDataCommand.self,
            ArcadeCommand.self,
            HistoryBeginCommand.self,
            HistorySeedCommand.self,
            RunBuiltinCommand.self,
            ArcadeWriterCommand.self,
        ]
    )

    /// Usage errors exit 2 with one line on stderr (docs/commands.md#exit-codes), not ArgumentParser's 64.
    static func main() async {
        // Files are created private: the state database and its -wal/-shm, lock files, the
        // directories jobctl creates and the metrics file are 0600/0700. Command jobs inherit
        // this umask (a command that shares files sets its own, e.g. `umask 022; …`).
        umask(0o077)
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

/// Exit codes (docs/commands.md#exit-codes): 0 success, 1 a job failed, 2 usage or config error, 75 busy
/// (already running; EX_TEMPFAIL).
enum ExitStatus {
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let busy: Int32 = 75
}

/// Writes `jobctl: error: MESSAGE` (one line) to stderr and exits with `code`.
func fail(_ message: String, code: Int32 = ExitStatus.usage) -> ExitCode {
    let line =
        "jobctl: error: \(message.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " "))\n"
    FileHandle.standardError.write(Data(line.utf8))
    return ExitCode(code)
}

/// Buffered standard output for large outputs.
struct OutputBuffer {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func withBytes(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
