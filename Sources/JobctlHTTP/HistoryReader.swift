import Dispatch
import Foundation
import JobctlCore

/// The HTTP server's view of the history: its own read-only connection to `STATE_DB` (WAL:
/// readers never block the scheduler's writes, and the scheduler's store is never used by a
/// request), queried on one serial dispatch queue so that a slow query blocks neither the
/// scheduler's threads nor Swift's cooperative pool — requests wait their turn instead.
final class HistoryReader: Sendable {
    let store: any StateStore
    private let queue = DispatchQueue(label: "jobctl.http.history", qos: .utility)

    init(store: any StateStore) {
        self.store = store
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StateStore) throws -> T) async throws -> T {
        let store = self.store
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(store) })
            }
        }
    }
}

/// The two encodings of one status answer: everything (a valid bearer token) and without
/// output tails and errors (anonymous readers), built from the same reads.
struct StatusBodies: Sendable {
    var full: Data
    var redacted: Data
}

/// The status answer, built at most once per `maxAge` whatever the number of clients (one
/// build at a time; concurrent requests wait for it), and its history part re-read only when
/// the database changed (`PRAGMA data_version`) or the job list did. So 200 clients polling
/// the status cost the scheduler one actor call and at most one set of queries a second.
final class StatusCache: @unchecked Sendable {
    struct HistoryPart: Sendable {
        var version: Int
        var jobs: [String]
        var overall: JobStats
        var lastRuns: [String: ExecutionRecord]
        var recent: [ExecutionRecord]
        /// The work markers and running rows, for the idle warning.
        var figures = AlertFigures()
        /// The pauses in force and each job's failing streak, for the status page's badges.
        var pauses: [String: JobPause] = [:]
        var failingStreaks: [String: Int] = [:]

        /// The history part of the status: `previous` when nothing was committed since it was
        /// read and the job list is the same; else the overall figures (from the job summaries),
        /// each job's last run and the recent executions, read in one read transaction (one
        /// consistent state) with a fixed number of queries whatever the number of jobs and rows.
        static func read(
            _ store: any StateStore, jobs: [String], recent: Int, previous: Self?
        ) throws -> Self {
            if let previous, previous.jobs == jobs, try store.dataVersion() == previous.version { return previous }
            let report = try store.summaryReport(SummaryRequest(durations: false, lastRuns: true, recent: recent))
            let wanted = Set(jobs)
            return HistoryPart(
                version: report.version, jobs: jobs, overall: HistoryStats(report).overall,
                lastRuns: report.lastRuns.filter { wanted.contains($0.key) }, recent: report.recent,
                figures: try store.alertFigures(),
                pauses: Dictionary(try store.pauses().map { ($0.job, $0) }, uniquingKeysWith: { a, _ in a }),
                failingStreaks: Dictionary(
                    report.jobs.map { ($0.job, $0.failingStreak) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    private let lock = NSLock()
    private var body: StatusBodies?
    private var builtAt: ContinuousClock.Instant?
    private var generation = 0
    private var building: Task<StatusBodies, any Error>?
    private var history: HistoryPart?
    let maxAge: Duration

    init(maxAge: Duration) {
        self.maxAge = maxAge
    }

    /// The cached body when fresh, else the one being built, else a new build.
    func get(
        build: @escaping @Sendable (_ previous: HistoryPart?) async throws -> (StatusBodies, HistoryPart)
    ) async throws -> StatusBodies {
        let now = ContinuousClock.now
        let task: Task<StatusBodies, any Error> = lock.withLock {
            if let body, let builtAt, now - builtAt < maxAge {
                return Task { body }
            }
            if let building { return building }
            let generation = self.generation
            let previous = history
            let task = Task<StatusBodies, any Error> { [weak self] in
                do {
                    let (data, part) = try await build(previous)
                    self?.store(data, part, generation: generation)
                    return data
                } catch {
                    self?.lock.withLock { self?.building = nil }
                    throw error
                }
            }
            building = task
            return task
        }
        return try await task.value
    }

    private func store(_ data: StatusBodies, _ part: HistoryPart, generation: Int) {
        lock.withLock {
            building = nil
            history = part
            // A build that began before an invalidation may miss what caused it: not cached.
            guard generation == self.generation else { return }
            body = data
            builtAt = .now
        }
    }

    /// After a trigger: the next request builds afresh.
    func invalidate() {
        lock.withLock {
            generation += 1
            body = nil
            builtAt = nil
            history = nil
        }
    }
}
