import Foundation
import Logging
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// A pause read by a running scheduler at each fire (issue 12), on the manual clock.
@Suite struct PauseSchedulerTests {
    @Test func aPauseRecordedByAnotherConnectionSkipsTheNextFiresWithoutAReload() async throws {
        let hourly = try job("hourly", "0 * * * *", action: .builtin(testKind, options: [:]))
        let h = try Harness(jobs: [hourly], start: try at("2026-06-01T09:59:00Z"))
        // Paused through another connection while the scheduler runs: no reload, no signal.
        let other = try HistoryStore(path: h.store.path)
        _ = try other.pause(job: "hourly", by: "alice", note: "pool 7 paid twice", at: try at("2026-06-01T09:59:30Z"))
        await h.drive(to: try at("2026-06-01T12:30:00Z"))
        let paused = try h.rows("hourly")
        #expect(paused.map(\.status) == [.skipped, .skipped, .skipped])
        #expect(paused.allSatisfy { $0.error == "paused by alice at 2026-06-01T09:59:30.000Z: pool 7 paid twice" })
        #expect(paused.allSatisfy { $0.durationMs == nil && $0.latenessMs == nil && $0.triggeredBy == .schedule })
        // Resumed: the next fire runs.
        _ = try other.resume(job: "hourly")
        await h.drive(to: try at("2026-06-01T13:30:00Z"))
        await h.stop()
        let rows = try h.rows("hourly")
        #expect(rows.map(\.status) == [.skipped, .skipped, .skipped, .succeeded])
        #expect(try h.store.stats(job: "hourly", since: nil).jobs.first?.skipped == 3)
    }

    @Test func aPauseStopsTheRetriesOfAFailingFire() async throws {
        // backoff 40m: the retry comes 20–40 min after the failure at 10:00.
        let flaky = try job(
            "flaky", "0 * * * *", retries: 3, backoffMs: 40 * 60_000,
            action: .builtin(testKind, options: ["fail": .boolean(true)]))
        let h = try Harness(jobs: [flaky], start: try at("2026-06-01T09:59:00Z"))
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(try await eventually { try h.rows("flaky").first?.status == .failed })
        _ = try h.store.pause(job: "flaky", by: "bob", note: nil, at: try at("2026-06-01T10:01:00Z"))
        await h.drive(to: try at("2026-06-01T10:59:00Z"))
        await h.stop()
        let rows = try h.rows("flaky")
        #expect(rows.map(\.status) == [.failed, .skipped])
        #expect(rows.map(\.attempt) == [1, 2])
        #expect(rows.last?.triggeredBy == .retry)
        #expect(rows.last?.error?.hasPrefix("paused by bob") == true)
    }

    @Test func aPausedJobsCatchUpIsRecordedSkipped() async throws {
        let daily = try job("daily", "0 0 * * *", catchup: 86_400_000, action: .builtin(testKind, options: [:]))
        let h = try Harness(jobs: [daily], start: try at("2026-06-04T10:00:00Z")) { store in
            _ = try store.pause(job: "daily", by: "ops", note: "migrating", at: try at("2026-06-02T00:00:00Z"))
        }
        await h.settle()
        await h.stop()
        let rows = try h.rows("daily")
        #expect(rows.map(\.triggeredBy) == [.catchup])
        #expect(rows.map(\.status) == [.skipped])
    }

    @Test func aManualRunOfAPausedJobStillRuns() async throws {
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        let definition = try job("manual", "0 0 * * *", action: .builtin(testKind, options: [:]))
        let config = JobsConfig(
            path: directory.file("jobs.conf"), stateDatabasePath: directory.file("jobctl.db"), appDatabasePath: nil,
            lockDirectory: directory.path, historyRetentionMilliseconds: 86_400_000, httpListen: nil,
            httpTokenFile: nil, jobs: [definition])
        let store = try HistoryStore(path: config.stateDatabasePath)
        _ = try store.pause(job: "manual", by: "ops", note: nil, at: historyBase)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = JobRunner(
            environment: RunEnvironment(config), store: store, clock: ManualWallClock(historyBase + 60), logger: logger,
            identity: RunnerIdentity(host: "test", pid: 1, user: "tester"), jobs: BuiltinJobRegistry([TestJob.self]))
        let outcome = await runner.run(.manual(definition, user: "tester"))
        guard case .finished(.succeeded, let id) = outcome else {
            Issue.record("a manual run of a paused job did not run: \(outcome)")
            return
        }
        #expect(try store.execution(id: id)?.triggeredBy == .manual)
    }

    @Test func pauseRefusesUnknownJobsAndRepeatsButAStalePauseCanBeLifted() throws {
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        let config = JobsConfig(
            path: directory.file("jobs.conf"), stateDatabasePath: directory.file("jobctl.db"), appDatabasePath: nil,
            lockDirectory: directory.path, historyRetentionMilliseconds: 86_400_000, httpListen: nil,
            httpTokenFile: nil, jobs: [try job("a", "0 0 * * *")])
        let store = try HistoryStore(path: config.stateDatabasePath)
        let control = PauseControl(config: config, store: store)
        let unknown = try control.pause(job: "zz", by: "ops", note: nil, at: historyBase)
        #expect(unknown == .unknownJob(job: "zz", known: ["a"]))
        #expect(try store.pauses().isEmpty)
        guard case .paused(let pause) = try control.pause(job: "a", by: "o\u{1B}[31mps\n", note: "n", at: historyBase)
        else {
            Issue.record("not paused")
            return
        }
        #expect(pause.by == "o[31mps")  // control characters dropped from who
        #expect(try control.pause(job: "a", by: "x", note: nil, at: historyBase).changed == false)
        #expect(try control.resume(job: "a") == .resumed(pause))
        #expect(try control.resume(job: "a") == .notPaused(job: "a"))
        #expect(try control.resume(job: "zz") == .unknownJob(job: "zz", known: ["a"]))
        // A pause left by a job gone from the config can still be lifted.
        _ = try store.pause(job: "gone", by: "ops", note: nil, at: historyBase)
        let stale = JobPause(job: "gone", by: "ops", at: historyBase, note: nil)
        #expect(try control.resume(job: "gone") == .resumed(stale))
    }

    @Test(arguments: [("fine", "fine"), ("  padded  ", "padded"), ("", nil), ("   ", nil)] as [(String, String?)])
    func notesAreTrimmedAndEmptyOnesDropped(input: String, expected: String?) throws {
        #expect(try JobPause.checkNote(input) == expected)
        let longest = String(repeating: "é", count: JobPause.maxNoteLength)
        #expect(try JobPause.checkNote(longest) == longest)
    }

    @Test(arguments: ["two\nlines", "esc \u{1B}[2J", "cr\r", String(repeating: "x", count: 501), "tab\there"])
    func aNoteWithALineBreakAControlCharacterOrTooLongIsRefused(input: String) {
        #expect(throws: JobPause.NoteError.self) { try JobPause.checkNote(input) }
    }
}
