import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// Failure hooks through a real scheduler on a manual clock: real hook processes, a real
/// history, the streak read from the store.
@Suite struct FailureHookLoopTests {
    /// A file in a fresh directory that hooks append to, and its lines.
    struct HookLog {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-hook-\(UUID().uuidString)")
            .path
        var lines: [String] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    func minutely(_ name: String, fail: Bool, hooks: JobHooks) throws -> JobDefinition {
        var job = try job(name, "* * * * *", action: .builtin(testKind, options: ["fail": .boolean(fail)]))
        job.hooks = hooks
        return job
    }

    /// Seeds finished runs of `job` (fires a minute apart, ending before 09:59) and returns their ids.
    static func seed(_ store: HistoryStore, _ job: String, _ statuses: [ExecutionStatus]) throws -> [Int64] {
        try statuses.enumerated().map { index, status in
            let fire = try at("2026-06-01T09:50:00Z").addingTimeInterval(Double(index) * 60)
            let start = ExecutionStart(
                job: job, scheduledFor: Instant(date: fire), startedAt: fire, attempt: 1, triggeredBy: .schedule,
                user: nil, host: "old", pid: 9)
            let id = try #require(try store.begin(start))
            try store.finish(id: id, status: status, finishedAt: fire + 1, metrics: nil, error: nil, output: nil)
            return id
        }
    }

    func hookRows(_ h: Harness, _ job: String) throws -> [HookRunRecord] {
        try h.rows(job).flatMap { try h.store.hookRuns(runID: $0.id ?? 0) }
    }

    /// The streak is read from the store: two failures recorded before this scheduler started,
    /// then three more; `alert_after=3` fires once, at the third, with the count and status.
    @Test func aFailingStreakAlertsOnceWhenItReachesAlertAfterEvenAcrossARestart() async throws {
        let log = HookLog()
        defer { log.remove() }
        let hooks = JobHooks(
            onFailure: "echo \"$JOBCTL_CONSECUTIVE_FAILURES $JOBCTL_STATUS $JOBCTL_ERROR\" >> '\(log.path)'",
            alertAfter: 3)
        let flaky = try minutely("flaky", fail: true, hooks: hooks)
        let h = try Harness(jobs: [flaky], start: try at("2026-06-01T09:59:30Z")) { store in
            _ = try Self.seed(store, "flaky", [.failed, .failed])
        }
        await h.drive(to: try at("2026-06-01T10:02:30Z"))
        await h.stop()
        #expect(log.lines == ["3 failed test failure"])
        let hooksRun = try hookRows(h, "flaky")
        #expect(hooksRun.map(\.event) == [.failure] && hooksRun.map(\.status) == [.succeeded])
        let alerted = try #require(try h.rows("flaky").first { $0.id == hooksRun.first?.runID })
        #expect(alerted.scheduledAt == (try at("2026-06-01T10:00:00Z")))
    }

    /// A success after a streak that alerted fires `on_recovery` once; the next success nothing.
    @Test func recoveryFiresOnceAfterAStreakThatAlerted() async throws {
        let log = HookLog()
        defer { log.remove() }
        let hooks = JobHooks(onFailure: "true", onRecovery: "echo \"recovered $JOBCTL_STATUS\" >> '\(log.path)'")
        let fixed = try minutely("fixed", fail: false, hooks: hooks)
        let h = try Harness(jobs: [fixed], start: try at("2026-06-01T09:59:30Z")) { store in
            let ids = try Self.seed(store, "fixed", [.succeeded, .failed, .failed])
            let hook = try store.beginHookRun(
                HookRunStart(
                    runID: ids[1], job: "fixed", event: .failure, startedAt: try at("2026-06-01T09:51:02Z"),
                    host: "old", pid: 9))
            try store.finishHookRun(
                id: hook, HookRunEnd(status: .succeeded, finishedAt: try at("2026-06-01T09:51:03Z")))
        }
        await h.drive(to: try at("2026-06-01T10:01:30Z"))
        await h.stop()
        #expect(log.lines == ["recovered succeeded"])
        let recoveries = try hookRows(h, "fixed").filter { $0.event == .recovery }
        #expect(recoveries.count == 1)
        #expect(
            try h.rows("fixed").first { $0.id == recoveries.first?.runID }?.scheduledAt == at("2026-06-01T10:00:00Z"))
    }

    /// A streak that never reached `alert_after` ends without a recovery hook.
    @Test func aStreakThatDidNotAlertRecoversSilently() async throws {
        let log = HookLog()
        defer { log.remove() }
        let hooks = JobHooks(
            onFailure: "echo failure >> '\(log.path)'", onRecovery: "echo recovery >> '\(log.path)'",
            alertAfter: 2)
        let fixed = try minutely("quiet", fail: false, hooks: hooks)
        let h = try Harness(jobs: [fixed], start: try at("2026-06-01T09:59:30Z")) { store in
            _ = try Self.seed(store, "quiet", [.failed])
        }
        await h.drive(to: try at("2026-06-01T10:00:30Z"))
        await h.stop()
        #expect(log.lines.isEmpty)
        #expect(try hookRows(h, "quiet").isEmpty)
    }

    /// `warn_after`: a run still going after 5 minutes fires `on_failure` once with status
    /// `overdue`; its success later fires nothing more (an overdue warning is not a streak).
    @Test func anOverdueRunFiresTheFailureHookOnceWhileItGoesOn() async throws {
        let log = HookLog()
        defer { log.remove() }
        let gate = Gates.unique()
        var slow = try job("slow", "0 10 * * *", action: .builtin(gateKind, options: ["gate": .integer(gate)]))
        slow.hooks = JobHooks(
            onFailure: "echo \"$JOBCTL_STATUS $JOBCTL_ERROR\" >> '\(log.path)'",
            onRecovery: "echo recovery >> '\(log.path)'",
            warnAfterMilliseconds: 300_000)
        let h = try Harness(jobs: [slow], start: try at("2026-06-01T09:59:59Z"))
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(try await eventually { try h.rows("slow").first?.status == .running })
        h.clock.set(try at("2026-06-01T10:04:59Z"))
        h.clock.set(try at("2026-06-01T10:06:00Z"))
        #expect(try await eventually { try hookRows(h, "slow").first?.status == .succeeded })
        h.clock.set(try at("2026-06-01T10:20:00Z"))
        Gates.shared.open(gate)
        #expect(try await eventually { try h.rows("slow").first?.status == .succeeded })
        await h.stop()
        #expect(log.lines == ["overdue still running after 5m"])
        #expect(try hookRows(h, "slow").map(\.event) == [.overdue])
    }
}
