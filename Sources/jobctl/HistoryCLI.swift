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
