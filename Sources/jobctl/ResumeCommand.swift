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

/// `jobctl resume JOB`: lifts the pause; the job runs from its next fire.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused job: it runs again from its next fire.",
        discussion:
            "Exit 0 resumed, 1 not paused (nothing changed) or the state database cannot be written, "
            + "2 unknown job or bad config.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The job's name (also a job no longer in the config that is still paused).")
    var job: String

    func run() throws {
        let config = try options.load()
        // No database yet: nothing is paused, and nothing is created to say so.
        guard config.usesPostgres || FileManager.default.fileExists(atPath: config.stateDatabasePath) else {
            try PauseCommand.report(
                config.job(named: job) == nil
                    ? .unknownJob(job: job, known: config.jobs.map(\.name)) : .notPaused(job: job))
            return
        }
        let store = try openStore(config)
        do {
            try PauseCommand.report(try PauseControl(config: config, store: store).resume(job: job))
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail("\(error)", code: ExitStatus.failure)
        }
    }
}
