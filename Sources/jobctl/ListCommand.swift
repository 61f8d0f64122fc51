import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlScheduling
import JobctlStore
import JobctlTime
import Logging

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Each job: schedule, zone, next fire, last run and its status.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = try options.load()
        // Every job's last run in one query; none before the first run (nothing is created).
        var lastRuns: [String: ExecutionRecord] = [:]
        var pauses: [JobPause] = []
        do {
            if let store = try StateStoreOpener.openForReading(config.stateDatabasePath, config: config) {
                lastRuns = try store.summaryReport(SummaryRequest(durations: false, lastRuns: true)).lastRuns
                pauses = try store.pauses()
            }
        } catch {
            throw fail("\(error)", code: ExitStatus.failure)
        }
        let now = Date()
        let paused = Dictionary(pauses.map { ($0.job, $0) }, uniquingKeysWith: { a, _ in a })
        print(config.listTable(now: now, lastRuns: lastRuns, pauses: paused), terminator: "")
        // Who paused, when and why: one line each after the table (also for a job no longer in the config).
        for pause in pauses {
            print(TerminalSafeText.escaped(pause.line(now: now, zone: config.job(named: pause.job)?.zone)))
        }
    }
}
