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

/// `jobctl pause JOB [--note TEXT]`: records the pause in the state database, where every
/// scheduler reads it at the job's next fire (docs/commands.md#jobctl-pause).
struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a job: its fires are recorded skipped until 'jobctl resume'.",
        discussion:
            "Exit 0 paused, 1 already paused (nothing changed) or the state database cannot be written, "
            + "2 unknown job, bad note or bad config.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The job's name in the config.")
    var job: String

    @Option(help: "Why (one line, at most \(JobPause.maxNoteLength) characters); shown by list, stats and the page.")
    var note: String?

    func run() throws {
        let config = try options.load()
        let checked: String?
        do {
            checked = try JobPause.checkNote(note)
        } catch {
            throw fail("--note: \(error.description)")
        }
        // An unknown job is refused before the database is opened (or created).
        guard config.job(named: job) != nil else {
            throw fail(PauseControl.Outcome.unknownJob(job: job, known: config.jobs.map(\.name)).message)
        }
        let store = try openStore(config)
        let who = RunnerIdentity.current.user ?? "unknown"
        let outcome: PauseControl.Outcome
        do {
            outcome = try PauseControl(config: config, store: store).pause(job: job, by: who, note: checked, at: Date())
        } catch {
            throw fail("\(error)", code: ExitStatus.failure)
        }
        try PauseCommand.report(outcome)
    }

    /// Prints a change on stdout (exit 0); a refusal is one line on stderr: exit 1 for a state
    /// that makes the request moot (already paused, not paused), 2 for an unknown job.
    static func report(_ outcome: PauseControl.Outcome) throws {
        switch outcome {
        case .paused, .resumed:
            print(TerminalSafeText.escaped(outcome.message))
        case .alreadyPaused, .notPaused:
            throw fail(TerminalSafeText.escaped(outcome.message), code: ExitStatus.failure)
        case .unknownJob:
            throw fail(TerminalSafeText.escaped(outcome.message))
        }
    }
}
