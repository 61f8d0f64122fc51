import ArgumentParser
import Foundation
import JobctlCore

/// Hidden: records the start of one scheduled fire and prints its id, or "duplicate" when the
/// fire is already recorded. Tests race two processes with it.
struct HistoryBeginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_history-begin", abstract: "Record a scheduled start (for tests).", shouldDisplay: false)

    @OptionGroup var database: StateDatabaseOptions
    @Option var job: String
    @Option(name: .customLong("scheduled-ms")) var scheduledMs: Int64
    @Option var attempt: Int = 1

    func run() throws {
        let resolved = try database.resolve()
        try HistoryCLI.run {
            let store = try HistoryStore(path: resolved.path)
            let fire = Date(timeIntervalSince1970: Double(scheduledMs) / 1000)
            let id = try store.begin(
                ExecutionStart(
                    job: job, scheduledFor: fire, startedAt: Date(), attempt: attempt, triggeredBy: .schedule,
                    user: nil, host: ProcessInfo.processInfo.hostName, pid: getpid()))
            HistoryCLI.write(id.map { "\($0)\n" } ?? "duplicate\n")
        }
    }
}

/// Hidden: fills a history with synthetic finished executions (for `make bench`).
struct HistorySeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_history-seed", abstract: "Fill a history with synthetic rows (for benchmarks).",
        shouldDisplay: false)

    @OptionGroup var database: StateDatabaseOptions
    @Option var rows: Int

    func run() throws {
        let resolved = try database.resolve()
        try HistoryCLI.run {
            let store = try HistoryStore(path: resolved.path)
            // One fire a minute per job, ending about now.
            let perJob = (rows + HistorySeeder.defaultJobs.count - 1) / HistorySeeder.defaultJobs.count
            let start = Date().addingTimeInterval(-Double(perJob) * 60)
            try HistorySeeder.seed(store, rows: rows, start: start)
        }
    }
}
