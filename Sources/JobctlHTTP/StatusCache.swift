import Foundation
import JobctlStore
import Synchronization

/// The status answer, built at most once per `maxAge` whatever the number of clients (one
/// build at a time; concurrent requests wait for it), and its history part re-read only when
/// the database changed (`PRAGMA data_version`). So 200 clients polling the status cost the
/// scheduler one actor call and at most one read (one set of queries) a second.
final class StatusCache: Sendable {
    struct HistoryPart: Sendable {
        var version: Int
        var overall: JobStats
        var lastRuns: [String: ExecutionRecord]
        var recent: [ExecutionRecord]
        /// The work markers and running rows, for the idle warning.
        var figures = AlertFigures()
        /// The pauses in force and each job's failing streak, for the status page's badges.
        var pauses: [String: JobPause] = [:]
        var failingStreaks: [String: Int] = [:]

        /// The history part of the status: `previous` when nothing was committed since it was
        /// read; else the overall figures (from the job summaries), each job's last run, the
        /// recent executions and the alert figures, read in one read transaction (one consistent
        /// state) with a fixed number of queries whatever the number of jobs and rows.
        static func read(_ store: any StateStore, recent: Int, previous: Self?) throws -> Self {
            if let previous, try store.dataVersion() == previous.version { return previous }
            let report = try store.summaryReport(
                SummaryRequest(durations: false, lastRuns: true, recent: recent, alertFigures: true, pauses: true))
            return HistoryPart(
                version: report.version, overall: HistoryStats(report).overall, lastRuns: report.lastRuns,
                recent: report.recent, figures: report.figures,
                pauses: Dictionary(report.pauses.map { ($0.job, $0) }, uniquingKeysWith: { a, _ in a }),
                failingStreaks: Dictionary(
                    report.jobs.map { ($0.job, $0.failingStreak) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    private struct State {
        var body: StatusBodies?
        var builtAt: ContinuousClock.Instant?
        var generation = 0
        var building: Task<StatusBodies, any Error>?
        var history: HistoryPart?
    }

    private let state = Mutex(State())
    let maxAge: Duration

    init(maxAge: Duration) {
        self.maxAge = maxAge
    }

    /// The cached body when fresh, else the one being built, else a new build.
    func get(
        build: @escaping @Sendable (_ previous: HistoryPart?) async throws -> (StatusBodies, HistoryPart)
    ) async throws -> StatusBodies {
        let now = ContinuousClock.now
        let maxAge = self.maxAge
        let task: Task<StatusBodies, any Error> = state.withLock { state in
            if let body = state.body, let builtAt = state.builtAt, now - builtAt < maxAge {
                return Task { body }
            }
            if let building = state.building { return building }
            let generation = state.generation
            let previous = state.history
            let task = Task<StatusBodies, any Error> { [weak self] in
                do {
                    let (data, part) = try await build(previous)
                    self?.store(data, part, generation: generation)
                    return data
                } catch {
                    self?.state.withLock { $0.building = nil }
                    throw error
                }
            }
            state.building = task
            return task
        }
        return try await task.value
    }

    private func store(_ data: StatusBodies, _ part: HistoryPart, generation: Int) {
        state.withLock { state in
            state.building = nil
            state.history = part
            // A build that began before an invalidation may miss what caused it: not cached.
            guard generation == state.generation else { return }
            state.body = data
            state.builtAt = .now
        }
    }

    /// After a trigger: the next request builds afresh.
    func invalidate() {
        state.withLock { state in
            state.generation += 1
            state.body = nil
            state.builtAt = nil
            state.history = nil
        }
    }
}
