import ArgumentParser
import Foundation
import JobctlDevSupport
import JobctlStore

/// Fills a history with synthetic finished executions (for `make bench`).
struct HistorySeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_history-seed", abstract: "Fill a history with synthetic rows (for benchmarks).")

    @Option(name: .customLong("state-db")) var stateDB: String
    @Option var rows: Int

    func run() throws {
        try JobctlDev.reportingErrors {
            let store = try HistoryStore(path: stateDB)
            // One fire a minute per job, ending about now.
            let perJob = (rows + HistorySeeder.defaultJobs.count - 1) / HistorySeeder.defaultJobs.count
            let start = Date().addingTimeInterval(-Double(perJob) * 60)
            try HistorySeeder.seed(store, rows: rows, start: start)
        }
    }
}
