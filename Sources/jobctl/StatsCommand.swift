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

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Runs, failures, durations and lateness per job and overall.")

    @OptionGroup var database: StateDatabaseOptions
    @Option(help: "Only this job.") var job: String?
    @Option(help: "Only executions that started since: RFC 3339, or a duration back from now (24h, 7d).") var since:
        String?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let sinceDate = try HistoryCLI.since(since)
        let resolved = try database.resolve()
        try HistoryCLI.run {
            guard let store = try StateStoreOpener.openForReading(resolved.path, config: resolved.config) else {
                let none = HistoryStats(since: sinceDate, jobs: [], overall: JobStats(job: nil))
                HistoryCLI.write(json ? try HistoryRenderer.statsJSON(none) : HistoryCLI.noExecutionsYet(resolved.path))
                return
            }
            var stats = try store.stats(job: job, since: sinceDate)
            stats.pauses = try store.pauses().filter { job == nil || $0.job == job }
            // The idle warning needs the schedules: only with a config.
            if let config = resolved.config {
                let now = Date()
                let expectations = JobExpectation.all(config, now: now).filter { job == nil || $0.job == job }
                stats.warnings = IdleWarning.evaluate(expectations, figures: try store.alertFigures(), now: now)
            }
            HistoryCLI.write(
                json
                    ? try HistoryRenderer.statsJSON(stats)
                    : HistoryRenderer.statsTable(stats, zone: resolved.zone, color: HistoryCLI.stdoutIsTerminal)
                        + Self.pauseLines(stats.pauses, config: resolved.config))
        }
    }

    /// The pauses in force, one line each after the table (`JobPause.line`).
    static func pauseLines(_ pauses: [JobPause], config: JobsConfig?) -> String {
        let now = Date()
        return pauses.map {
            TerminalSafeText.escaped($0.line(now: now, zone: config?.job(named: $0.job)?.zone)) + "\n"
        }.joined()
    }
}
