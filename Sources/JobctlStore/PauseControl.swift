import Foundation
import JobctlConfig

/// The rules of `jobctl pause` / `jobctl resume` and of the HTTP pause and resume routes, in
/// one place: which job may be paused, what each answer says.
///
/// Decisions:
/// - Only a job of the config can be paused (an unknown name is refused, as by `trigger`); a
///   disabled job can be (it stays paused once enabled). A job gone from the config can still be
///   resumed when a pause of it is on record: otherwise that pause could never be lifted.
/// - Pausing a paused job and resuming a job that is not paused are refused with the state in
///   force, and write nothing: two operators never overwrite each other's note.
public struct PauseControl: Sendable {
    public enum Outcome: Sendable, Equatable {
        case paused(JobPause)
        case alreadyPaused(JobPause)
        /// The pause that was lifted.
        case resumed(JobPause)
        case notPaused(job: String)
        /// Not a job of the config (nor, for a resume, a job with a pause on record).
        case unknownJob(job: String, known: [String])

        /// True for `paused` and `resumed`: the store changed.
        public var changed: Bool {
            switch self {
            case .paused, .resumed: return true
            case .alreadyPaused, .notPaused, .unknownJob: return false
            }
        }

        /// The one line an operator reads (stdout on success, the error otherwise).
        public var message: String {
            switch self {
            case .paused(let pause):
                return "job '\(pause.job)' paused by \(pause.by)" + (pause.note.map { ": \($0)" } ?? "")
                    + "; its fires are recorded skipped until it is resumed"
            case .alreadyPaused(let pause):
                return "job '\(pause.job)' is already paused (\(pause.summary)); nothing changed"
            case .resumed(let pause):
                return "job '\(pause.job)' resumed (it was paused \(pause.summary)); it runs from its next fire"
            case .notPaused(let job):
                return "job '\(job)' is not paused; nothing changed"
            case .unknownJob(let job, let known):
                let names = known.isEmpty ? "none" : known.joined(separator: ", ")
                return "unknown job '\(job.prefix(100))' (jobs: \(names))"
            }
        }
    }

    public let config: JobsConfig
    public let store: any StateStore

    public init(config: JobsConfig, store: any StateStore) {
        self.config = config
        self.store = store
    }

    /// Pauses `job`, recorded as paused by `by` (cleaned, `JobPause.cleanedWho`) at `at`. The
    /// note must have passed `JobPause.checkNote`.
    public func pause(job: String, by: String, note: String?, at: Date) throws -> Outcome {
        guard config.job(named: job) != nil else { return .unknownJob(job: job, known: config.jobs.map(\.name)) }
        switch try store.pause(job: job, by: JobPause.cleanedWho(by), note: note, at: at) {
        case .paused(let pause): return .paused(pause)
        case .alreadyPaused(let pause): return .alreadyPaused(pause)
        }
    }

    public func resume(job: String) throws -> Outcome {
        if let lifted = try store.resume(job: job) { return .resumed(lifted) }
        guard config.job(named: job) != nil else { return .unknownJob(job: job, known: config.jobs.map(\.name)) }
        return .notPaused(job: job)
    }
}
