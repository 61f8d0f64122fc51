import Foundation
import Logging
import Testing

@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// A built-in job for the loop tests: succeeds at once, or after `block_ms` of real time, or
/// fails.
struct TestJob: BuiltinJob {
    static let name = "testjob"
    static let summary = "test"
    static let options = [JobOptionSpec("fail", .boolean), JobOptionSpec("block_ms", .integer(0...60_000))]
    let fail: Bool
    let blockMs: Int

    init(options: [String: JobOptionValue]) {
        if case .boolean(let f) = options["fail"] { fail = f } else { fail = false }
        if case .integer(let b) = options["block_ms"] { blockMs = b } else { blockMs = 0 }
    }

    struct Failure: Error, CustomStringConvertible { var description: String { "test failure" } }

    func run(_ context: JobContext) async throws -> JobResult {
        if blockMs > 0 { try await Task.sleep(for: .milliseconds(blockMs)) }
        if fail { throw Failure() }
        return JobResult(metrics: JobMetrics(processed: 1))
    }
}

/// A scheduler on a manual clock with a real history database in a temporary directory.
struct Harness {
    let clock: ManualWallClock
    let store: HistoryStore
    let scheduler: Scheduler
    let events: AsyncStream<SchedulerEvent>.Continuation
    let task: Task<Void, Never>

    init(
        jobs: [JobDefinition], start: Date, maxSleep: TimeInterval = 3600,
        seed: (HistoryStore) throws -> Void = { _ in }, configure: (inout JobsConfig) -> Void = { _ in }
    ) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var draft = JobsConfig(
            path: dir.appendingPathComponent("jobs.conf").path,
            stateDatabasePath: dir.appendingPathComponent("jobctl.db").path,
            appDatabasePath: nil, lockDirectory: dir.path, historyRetentionMilliseconds: 90 * 86_400_000,
            httpListen: nil, httpTokenFile: nil, jobs: jobs)
        configure(&draft)
        let config = draft
        clock = ManualWallClock(start)
        store = try HistoryStore(path: config.stateDatabasePath)
        try seed(store)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        scheduler = Scheduler(
            config: config, store: store, clock: clock, logger: logger,
            identity: RunnerIdentity(host: "test", pid: 1, user: "tester"),
            jobs: BuiltinJobRegistry([TestJob.self, GateJob.self]),
            maxSleep: maxSleep,
            loadConfig: { () throws(ConfigErrors) -> JobsConfig in config })
        let (stream, continuation) = AsyncStream.makeStream(of: SchedulerEvent.self)
        events = continuation
        let scheduler = self.scheduler
        task = Task { await scheduler.run(events: stream) }
    }

    /// Waits (real time) until the scheduler sleeps with nothing running.
    func settle() async {
        for _ in 0..<2000 {
            if clock.sleeperCount > 0, await scheduler.runningCount == 0 { break }
            try? await Task.sleep(for: .milliseconds(2))
        }
        try? await Task.sleep(for: .milliseconds(5))
    }

    /// Moves the manual clock forward to `target`, stopping at every sleeper's deadline.
    func drive(to target: Date) async {
        await settle()
        while clock.now() < target {
            let next = min(clock.earliestDeadline ?? target, target)
            clock.set(max(next, clock.now()))
            await settle()
        }
    }

    func stop() async {
        events.yield(.shutdown(grace: .zero))
        await task.value
    }

    func rows(_ job: String) throws -> [ExecutionRecord] {
        try store.executions(HistoryFilter(limit: 1000, job: job)).reversed()
    }
}

let testKind = BuiltinJobKind(TestJob.self)

@Suite struct SchedulerLoopTests {
    @Test func wholeSpringForwardMorningThroughTheLoop() async throws {
        let zone = "America/New_York"
        let jobs = [
            try job("nightly", "30 2 * * *", zone: zone, action: .builtin(testKind, options: [:])),
            try job("hourly", "30 * * * *", zone: zone, action: .builtin(testKind, options: [:])),
        ]
        let h = try Harness(jobs: jobs, start: try at("2026-03-08T00:00:00", zone))
        await h.drive(to: try at("2026-03-08T05:00:00", zone))
        await h.stop()
        let nightly = try h.rows("nightly").map {
            TimeText.rfc3339($0.scheduledAt!.unixSeconds, in: try Zones.named(zone))
        }
        let hourly = try h.rows("hourly").map {
            TimeText.rfc3339($0.scheduledAt!.unixSeconds, in: try Zones.named(zone))
        }
        #expect(nightly == ["2026-03-08T03:00:00-04:00"])
        #expect(
            hourly == [
                "2026-03-08T00:30:00-05:00", "2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00",
                "2026-03-08T04:30:00-04:00",
            ])
        #expect(try h.rows("hourly").allSatisfy { $0.status == .succeeded && $0.latenessMs == 0 })
    }

    @Test func overlapSkipRecordsTheSkippedFire() async throws {
        let blocker = try job(
            "blocker", "* * * * *", overlap: .skip, action: .builtin(testKind, options: ["block_ms": .integer(2000)]))
        let h = try Harness(jobs: [blocker], start: try at("2026-06-01T09:59:59Z"))
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        // The second fire comes only once the first run is recorded `running` (it blocks 2 s
        // of real time): a fixed real-time pause merged both fires into one on a loaded machine.
        #expect(try await eventually { try h.rows("blocker").first != nil })
        h.clock.set(try at("2026-06-01T10:01:00Z"))
        #expect(try await eventually { try h.rows("blocker").count == 2 && h.rows("blocker")[0].status == .succeeded })
        await h.stop()
        let rows = try h.rows("blocker")
        try #require(rows.count == 2)
        #expect(rows.map(\.status) == [.succeeded, .skipped])
        #expect(rows[1].error?.contains("still running") == true)
    }

    @Test func overlapQueueRunsOnceAfter() async throws {
        let blocker = try job(
            "queued", "* * * * *", overlap: .queue, action: .builtin(testKind, options: ["block_ms": .integer(2000)]))
        let h = try Harness(jobs: [blocker], start: try at("2026-06-01T09:59:59Z"))
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(try await eventually { try h.rows("queued").first != nil })
        h.clock.set(try at("2026-06-01T10:01:00Z"))
        #expect(
            try await eventually {
                try h.rows("queued").count == 2 && h.rows("queued").allSatisfy { $0.status == .succeeded }
            })
        await h.stop()
        let rows = try h.rows("queued")
        try #require(rows.count == 2)
        #expect(rows.map(\.scheduledAt) == [try at("2026-06-01T10:00:00Z"), try at("2026-06-01T10:01:00Z")])
        #expect(rows[1].startedAt >= rows[0].finishedAt!)
    }

    @Test func retriesStopBeforeTheNextFire() async throws {
        // backoff 40m: the first retry comes 20–40 min later, the second would be 40–80 min
        // after that, past the 11:00 fire, so it never runs.
        let flaky = try job(
            "flaky", "0 * * * *", retries: 5, backoffMs: 40 * 60_000,
            action: .builtin(testKind, options: ["fail": .boolean(true)]))
        let h = try Harness(jobs: [flaky], start: try at("2026-06-01T09:59:00Z"))
        await h.drive(to: try at("2026-06-01T10:59:00Z"))
        await h.stop()
        let rows = try h.rows("flaky")
        #expect(rows.map(\.attempt) == [1, 2])
        #expect(rows.map(\.triggeredBy) == [.schedule, .retry])
        #expect(rows.allSatisfy { $0.status == .failed && $0.scheduledAt == (try? at("2026-06-01T10:00:00Z")) })
        #expect(rows[1].startedAt < (try at("2026-06-01T11:00:00Z")))
    }

    @Test func timeoutCancelsABuiltinJob() async throws {
        let slow = try job(
            "slow", "0 * * * *", timeoutMs: 60_000, action: .builtin(testKind, options: ["block_ms": .integer(60_000)]))
        let h = try Harness(jobs: [slow], start: try at("2026-06-01T09:59:59Z"))
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(await eventually { h.clock.sleeperCount >= 2 })  // the loop and the timeout
        h.clock.set(try at("2026-06-01T10:01:00Z"))
        #expect(try await eventually { try h.rows("slow").first?.status == .timedOut })
        await h.stop()
    }

    @Test func catchupAfterAThreeDayOutageRunsOnce() async throws {
        let daily = try job("daily", "0 0 * * *", catchup: 86_400_000, action: .builtin(testKind, options: [:]))
        // The last recorded fire was three days ago; the scheduler starts at 10:00 on day 4.
        let h = try Harness(jobs: [daily], start: try at("2026-06-04T10:00:00Z")) { store in
            let old = try at("2026-06-01T00:00:00Z")
            let id = try store.begin(
                ExecutionStart(
                    job: "daily", scheduledFor: Instant(date: old), startedAt: old, attempt: 1, triggeredBy: .schedule,
                    user: nil, host: "old", pid: 9))
            try store.finish(id: id!, status: .succeeded, finishedAt: old, metrics: nil, error: nil, output: nil)
        }
        await h.settle()
        await h.stop()
        let catchups = try h.rows("daily").filter { $0.triggeredBy == .catchup }
        #expect(catchups.count == 1)
        #expect(catchups.first?.scheduledAt == (try at("2026-06-04T00:00:00Z")))
    }
}
