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

/// `jobctl show RUN_ID [--json]`: one run in full (docs/commands.md#jobctl-show).
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One run in full: every field, metrics, error, output and the other attempts of its fire.",
        discussion: "Exit 0 shown, 1 unreadable history database, 2 unknown or malformed run id or bad config.")

    @OptionGroup var database: StateDatabaseOptions

    @Argument(help: "The run's id (the ID of 'history --json', the runId of the HTTP trigger).")
    var runID: String

    @Flag(help: "JSON: the fields of 'history --json', plus otherAttempts and redacted.") var json = false

    func run() throws {
        guard let id = RunDetail.parseID(runID) else {
            throw HistoryCLI.fail(
                "run id must be a positive whole number, got '\(TerminalSafeText.escaped(String(runID.prefix(40))))'",
                code: ExitStatus.usage)
        }
        let resolved = try database.resolve()
        try HistoryCLI.run {
            guard let store = try StateStoreOpener.openForReading(resolved.path, config: resolved.config) else {
                throw HistoryCLI.fail("no run \(id): no history database at \(resolved.path)", code: ExitStatus.usage)
            }
            guard let detail = try RunDetail.load(id: id, from: store) else {
                throw HistoryCLI.fail("no run \(id) in \(resolved.path)", code: ExitStatus.usage)
            }
            HistoryCLI.write(
                json
                    ? try HistoryRenderer.runJSON(detail)
                    : RunDetailText.render(
                        detail, zone: resolved.zone(detail.execution.job), readings: ArcadeJobs.registry.counterReadings
                    ))
        }
    }
}
