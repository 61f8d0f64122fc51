import Foundation
import Testing

@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore

/// `Scheduler.snapshot()` and `Scheduler.triggerNow(job:user:)`, which the HTTP API serves.
@Suite struct SchedulerStatusTests {
    @Test func snapshotListsEveryJobWithItsNextFireAndRunningCount() async throws {
        var disabled = try job("off", "0 * * * *")
        disabled.enabled = false
        let jobs = [
            try job("hourly", "0 * * * *", zone: "America/New_York", action: .builtin(testKind, options: [:])),
            try job("boot", "@reboot", action: .builtin(testKind, options: [:])),
            disabled,
        ]
        let h = try Harness(jobs: jobs, start: try at("2026-06-01T09:30:00Z"))
        await h.settle()
        let snapshot = await h.scheduler.snapshot()
        #expect(snapshot.jobs.map(\.name) == ["hourly", "boot", "off"])
        #expect(snapshot.jobs[0].nextFire == (try at("2026-06-01T10:00:00Z")))
        #expect(snapshot.jobs[0].schedule == "0 * * * *")
        #expect(snapshot.jobs[0].timezone == "America/New_York")
        #expect(snapshot.jobs[1].nextFire == nil)
        #expect(snapshot.jobs[2].nextFire == nil)
        #expect(snapshot.jobs[2].enabled == false)
        #expect(snapshot.jobs.allSatisfy { $0.running == 0 })
        #expect(snapshot.stopping == false)
        await h.stop()
    }

    @Test func triggerRunsThroughTheRunnerAsAManualRunOfTheGivenUser() async throws {
        let jobs = [try job("pay", "0 0 1 1 *", action: .builtin(testKind, options: ["block_ms": .integer(300)]))]
        let h = try Harness(jobs: jobs, start: try at("2026-06-01T09:30:00Z"))
        await h.settle()
        let result = await h.scheduler.triggerNow(job: "pay", user: "http")
        guard case .started(let id) = result else {
            Issue.record("expected started, got \(result)")
            return
        }
        // Recorded before the answer, running, and counted as running by the scheduler.
        let row = try #require(try h.store.execution(id: id))
        #expect(row.status == .running)
        #expect(row.triggeredBy == .manual)
        #expect(row.triggeredByUser == "http")
        #expect(row.scheduledAt == nil)
        #expect(await h.scheduler.snapshot().jobs[0].running == 1)
        // A second trigger while it runs: refused without a row.
        let again = await h.scheduler.triggerNow(job: "pay", user: "http")
        guard case .alreadyRunning(_, nil) = again else {
            Issue.record("expected alreadyRunning without a row, got \(again)")
            return
        }
        #expect(try await eventually { try h.store.execution(id: id)?.status == .succeeded })
        #expect(try h.rows("pay").count == 1)
        var running = 1
        for _ in 0..<500 where running > 0 {
            running = await h.scheduler.snapshot().jobs[0].running
            try? await Task.sleep(for: .milliseconds(10))
        }
        #expect(running == 0)
        await h.stop()
    }

    @Test func triggerOfAnUnknownJobOrWhileStopping() async throws {
        let h = try Harness(
            jobs: [try job("a", "0 0 1 1 *", action: .builtin(testKind, options: [:]))],
            start: try at("2026-06-01T09:30:00Z"))
        await h.settle()
        #expect(await h.scheduler.triggerNow(job: "nope", user: "http") == .unknownJob)
        await h.stop()
        #expect(await h.scheduler.triggerNow(job: "a", user: "http") == .stopping)
    }

    @Test func triggerWhileAnotherProcessHoldsTheLockIsRecordedSkipped() async throws {
        let jobs = [try job("pay", "0 0 1 1 *", action: .builtin(testKind, options: [:]))]
        let h = try Harness(jobs: jobs, start: try at("2026-06-01T09:30:00Z"))
        await h.settle()
        let config = await h.scheduler.currentConfig
        let held = try #require(try JobLock.tryAcquire(at: config.lockPath(job: "pay"), owner: "pid 999 on elsewhere"))
        let result = await h.scheduler.triggerNow(job: "pay", user: "http")
        guard case .alreadyRunning(let holder, let id?) = result else {
            Issue.record("expected alreadyRunning with a skipped row, got \(result)")
            return
        }
        #expect(holder.contains("pid 999"))
        #expect(try h.store.execution(id: id)?.status == .skipped)
        withExtendedLifetime(held) {}
        await h.stop()
    }

    /// A scheduled fire that comes while an HTTP-triggered run is under way follows the job's
    /// overlap policy, as if the manual run were a scheduled one.
    @Test func aScheduledFireDuringATriggeredRunFollowsTheOverlapPolicy() async throws {
        let jobs = [
            try job(
                "pay", "* * * * *", overlap: .skip, action: .builtin(testKind, options: ["block_ms": .integer(800)]))
        ]
        let h = try Harness(jobs: jobs, start: try at("2026-06-01T09:59:30Z"))
        await h.settle()
        guard case .started = await h.scheduler.triggerNow(job: "pay", user: "http") else {
            Issue.record("not started")
            return
        }
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(try await eventually { try h.rows("pay").count == 2 && h.rows("pay")[0].status == .succeeded })
        await h.stop()
        #expect(try h.rows("pay").map(\.status) == [.succeeded, .skipped])
        #expect(try h.rows("pay").map(\.triggeredBy) == [.manual, .schedule])
    }
}
