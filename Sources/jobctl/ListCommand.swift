import ArgumentParser
import Foundation
import JobctlCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Each job: schedule, zone, next fire, last run and its status.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        var lastRuns: [String: ExecutionRecord] = [:]
        if FileManager.default.fileExists(atPath: config.stateDatabasePath) {
            do {
                let store = try HistoryCLI.openForReading(config.stateDatabasePath)
                for job in config.jobs {
                    if let run = try store.lastExecution(job: job.name) { lastRuns[job.name] = run }
                }
            } catch {
                throw fail("\(error)", code: ExitStatus.failure)
            }
        }
        print(config.listTable(now: Date(), lastRuns: lastRuns), terminator: "")
    }
}
