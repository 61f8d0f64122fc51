import ArgumentParser
import Foundation
import JobctlStore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Each job: schedule, zone, next fire, last run and its status.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        // Every job's last run in one query; none before the first run (nothing is created).
        var lastRuns: [String: ExecutionRecord] = [:]
        do {
            if let store = try HistoryCLI.openForReading(config.stateDatabasePath) {
                lastRuns = try store.summaryReport(SummaryRequest(durations: false, lastRuns: true)).lastRuns
            }
        } catch {
            throw fail("\(error)", code: ExitStatus.failure)
        }
        print(config.listTable(now: Date(), lastRuns: lastRuns), terminator: "")
    }
}
