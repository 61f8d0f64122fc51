import ArgumentParser
import Foundation
import JobctlDevSupport
import JobctlStore
import JobctlTime

/// Records the start of one scheduled fire and prints its id, or "duplicate" when the
/// fire is already recorded. Tests race two processes with it.
struct HistoryBeginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_history-begin", abstract: "Record a scheduled start (for tests).")

    @Option(name: .customLong("state-db")) var stateDB: String
    @Option var job: String
    @Option(name: .customLong("scheduled-ms")) var scheduledMs: Int64
    @Option var attempt: Int = 1

    func run() throws {
        try JobctlDev.reportingErrors {
            let store = try HistoryStore(path: stateDB)
            let fire = Date(timeIntervalSince1970: Double(scheduledMs) / 1000)
            let id = try store.begin(
                ExecutionStart(
                    job: job, scheduledFor: Instant(date: fire), startedAt: Date(), attempt: attempt,
                    triggeredBy: .schedule, user: nil, host: ProcessInfo.processInfo.hostName, pid: getpid()))
            print(id.map { "\($0)" } ?? "duplicate")
        }
    }
}
