import Foundation
import JobctlPostgres
import JobctlPostgresStore
import Testing

@testable import JobctlStore

/// `overlap=queue` across nodes (docs/several-hosts.md §5.3 `can_queue`, §5.10 `DEQUEUE`): a fire
/// blocked by a live run waits `queued` (one per job), and a node starts it once the run ended.
@Suite(.postgresCluster) struct PostgresQueueTests {
    static let queue = JobClaimPolicy(exclusive: true, queue: true, digest: "d1")

    /// Two nodes with the queue policy for `j`, and a live run of `j` on `a` (its claim).
    func liveRun(_ nodes: PostgresNodes, job: String = "j") throws -> (
        PostgresStateStore, PostgresStateStore, RunClaim
    ) {
        let (a, b) = (try nodes.node(), try nodes.node())
        a.setJobPolicies([job: Self.queue])
        b.setJobPolicies([job: Self.queue])
        let live = try #require(try a.claim(PostgresNodes.start(job, fire: historyBase)).claim)
        return (a, b, live)
    }

    @Test func aFireBlockedByALiveRunIsQueuedOnceAndTheNextOneSkipped() throws {
        let nodes = try PostgresNodes()
        let (_, b, _) = try liveRun(nodes)
        let queued = try b.claimFire(PostgresNodes.start("j", fire: historyBase + 60), policy: Self.queue)
        guard case .queued(let id) = queued.outcome else { Issue.record("\(queued)"); return }
        let row = try #require(try b.execution(id: id))
        #expect(row.status == .queued && row.finishedAt == nil && row.error == nil && row.latenessMs == nil)
        #expect(row.scheduledAt == historyBase + 60 && row.attempt == 1 && row.triggeredBy == .schedule)
        let unowned = "SELECT owner_node IS NULL AND lease_until IS NULL FROM jobctl_execution WHERE id = $1"
        #expect(try nodes.value(unowned, [.int64(id)]) == "t")
        // The protocol's claim: the fire is recorded, the node moves on.
        #expect(try b.claim(PostgresNodes.start("j", fire: historyBase + 120)) == .alreadyClaimed)
        let skipped = try nodes.value(
            "SELECT status || ' ' || error FROM jobctl_execution WHERE scheduled_at = $1",
            [.timestamp(historyBase + 120)])
        #expect(skipped == "skipped previous run still running (overlap=skip)")
        // A manual trigger is never queued: refused, nothing recorded. Nor is a backfill: skipped.
        let manual = PostgresNodes.start("j", fire: nil, trigger: .manual)
        #expect(try b.claimFire(manual, policy: Self.queue).outcome == .blocked)
        let backfill = PostgresNodes.start("j", fire: historyBase - 3600, trigger: .backfill)
        guard case .skipped = try b.claimFire(backfill, policy: Self.queue).outcome else {
            Issue.record("a backfill blocked by a live run was not skipped")
            return
        }
        #expect(try nodes.rowCount() == 4)
    }

    @Test func theBatchedClaimQueuesLikeTheSingleOne() throws {
        let nodes = try PostgresNodes()
        let (_, b, _) = try liveRun(nodes)
        let first = try b.claimFires([PostgresNodes.start("j", fire: historyBase + 60)])
        guard case .queued = first.first?.outcome else { Issue.record("\(first)"); return }
        let second = try b.claimFires([PostgresNodes.start("j", fire: historyBase + 120)])
        guard case .skipped = second.first?.outcome else { Issue.record("\(second)"); return }
    }

    @Test func dequeueTakesTheQueuedFireOnlyOnceTheLiveRunHasEnded() throws {
        let nodes = try PostgresNodes()
        let (a, b, live) = try liveRun(nodes)
        _ = try b.claim(PostgresNodes.start("j", fire: historyBase + 60))
        #expect(try b.dequeue(jobs: ["j": "d1"], now: historyBase + 70).isEmpty)
        try a.finish(live, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 90))
        let taken = try b.dequeue(jobs: ["j": "d1", "other": "d1"], now: historyBase + 95)
        #expect(taken.count == 1)
        let held = try #require(taken.first)
        #expect(held.job == "j" && held.scheduledAt == historyBase + 60 && held.attempt == 1)
        #expect(held.triggeredBy == .schedule)
        let row = try #require(try b.execution(id: held.claim.runID))
        #expect(row.status == .running && row.startedAt == historyBase + 95 && row.latenessMs == 35_000)
        let owned = "SELECT owner_node = $2 AND lease_until > now() FROM jobctl_execution WHERE id = $1"
        #expect(try nodes.value(owned, [.int64(held.claim.runID), .text(b.node.id)]) == "t")
        #expect(try a.dequeue(jobs: ["j": "d1"]).isEmpty)
        #expect(try b.renew(held.claim, now: historyBase + 96))
        #expect(try b.finish(held.claim, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 100)))
        #expect(try b.execution(id: held.claim.runID)?.durationMs == 5_000)
    }

    @Test func twoConcurrentDequeuesTakeAQueuedFireOnce() throws {
        let nodes = try PostgresNodes()
        let (a, b) = (try nodes.node(), try nodes.node())
        for round in 0..<8 {
            let job = "j\(round)"
            a.setJobPolicies([job: Self.queue])
            b.setJobPolicies([job: Self.queue])
            let live = try #require(try a.claim(PostgresNodes.start(job, fire: historyBase)).claim)
            _ = try b.claim(PostgresNodes.start(job, fire: historyBase + 60))
            try a.finish(live, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 90))
            let first = BackgroundCall { try a.dequeue(jobs: [job: "d1"]) }
            let second = BackgroundCall { try b.dequeue(jobs: [job: "d1"]) }
            #expect(try first.wait().count + second.wait().count == 1)
            let running = "SELECT count(*) FROM jobctl_execution WHERE job = $1 AND status = 'running'"
            #expect(try nodes.value(running, [.text(job)]) == "1")
        }
    }

    @Test func aFireQueuedUnderAnotherDefinitionIsNotDequeued() throws {
        let nodes = try PostgresNodes()
        let (a, b, live) = try liveRun(nodes)
        _ = try b.claim(PostgresNodes.start("j", fire: historyBase + 60))
        try a.finish(live, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 90))
        #expect(try a.dequeue(jobs: ["j": "d2"]).isEmpty)
        #expect(
            try nodes.value(
                "SELECT status FROM jobctl_execution WHERE scheduled_at = $1",
                [.timestamp(historyBase + 60)]) == "queued")
        #expect(try a.dequeue(jobs: ["j": "d1"]).count == 1)
    }

    /// A claim that starts a run after the dequeue's snapshot: the update meets the one-live
    /// index, which is "took nothing", and the fire stays queued.
    @Test func aDequeueThatLosesToAConcurrentClaimTakesNothing() throws {
        let nodes = try PostgresNodes()
        let (a, b, live) = try liveRun(nodes)
        _ = try b.claim(PostgresNodes.start("j", fire: historyBase + 60))
        try a.finish(live, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 90))
        let waiting = try nodes.sql().transaction { tx in
            try tx.execute(
                StoreConformanceTests.insertRunningSQL, [.text("j"), .timestamp(historyBase + 120), .bool(true)])
            let waiting = BackgroundCall { try b.dequeue(jobs: ["j": "d1", "k": "d1"]) }
            try nodes.waitForALockWaiter()
            return waiting
        }
        #expect(try waiting.wait().isEmpty)
        #expect(
            try nodes.value(
                "SELECT status FROM jobctl_execution WHERE scheduled_at = $1",
                [.timestamp(historyBase + 60)]) == "queued")
    }

    /// A fire queued on one day, run on another and ended is counted once, as its final status
    /// and on its run's day, as a fire claimed straight to `running` is: every summary table
    /// equals a recount of the rows (nothing pruned), at each step.
    @Test func summariesOfAQueuedFireThatRanEqualARecount() throws {
        let nodes = try PostgresNodes()
        let (a, b, live) = try liveRun(nodes)
        let day = 86_400.0
        _ = try b.claim(PostgresNodes.start("j", fire: historyBase + 60, at: historyBase + 61))
        _ = try b.claim(PostgresNodes.start("j", fire: historyBase + 120, at: historyBase + 121))
        try expectSummariesEqualARecount(nodes, b, queued: 1)
        try a.finish(live, ExecutionEnd(status: .failed, finishedAt: historyBase + 2 * day, error: "exit 1"))
        let held = try #require(try b.dequeue(jobs: ["j": "d1"], now: historyBase + 2 * day + 5).first)
        try expectSummariesEqualARecount(nodes, b, queued: 0)
        try b.finish(held.claim, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 2 * day + 8))
        _ = try a.claim(PostgresNodes.start("k", fire: historyBase + day, at: historyBase + day + 1))
        try expectSummariesEqualARecount(nodes, b, queued: 0)
        let stats = HistoryStats(try b.summaryReport(SummaryRequest(job: "j")))
        #expect(stats.overall.runs == 3 && stats.overall.succeeded == 1 && stats.overall.failed == 1)
        #expect(stats.overall.skipped == 1 && stats.overall.running == 0)
        #expect(stats.jobs.first?.consecutiveFailures == 0)
    }

    private func expectSummariesEqualARecount(
        _ nodes: PostgresNodes, _ store: PostgresStateStore, queued: Int
    ) throws {
        for (kept, recount) in Self.recounts {
            let difference = "SELECT count(*) FROM ((\(kept)) EXCEPT ALL (\(recount))) d"
            let reverse = "SELECT count(*) FROM ((\(recount)) EXCEPT ALL (\(kept))) d"
            #expect(try nodes.value(difference) == "0", "\(kept)")
            #expect(try nodes.value(reverse) == "0", "\(recount)")
        }
        let stats = HistoryStats(try store.summaryReport(SummaryRequest()))
        #expect(stats.overall.runs == (try nodes.rowCount()))
        let running = "SELECT count(*) FROM jobctl_execution WHERE status IN ('running', 'queued')"
        #expect(String(stats.overall.running) == (try nodes.value(running)))
        #expect(try nodes.value("SELECT count(*) FROM jobctl_execution WHERE status = 'queued'") == String(queued))
    }

    /// (the summary table's rows, the same recounted from `jobctl_execution`).
    static let recounts: [(String, String)] = [
        (
            "SELECT job, status, count, durations, duration_sum FROM jobctl_summary_status",
            """
            SELECT job, status, count(*), count(duration_ms), COALESCE(sum(duration_ms), 0)
            FROM jobctl_execution GROUP BY job, status
            """
        ),
        (
            "SELECT job, day, status, count FROM jobctl_day_status",
            """
            SELECT job, jobctl_day(jobctl_ms(started_at)), status, count(*) FROM jobctl_execution
            GROUP BY 1, 2, 3
            """
        ),
        (
            """
            SELECT job, day, rows, duration_count, duration_sum, lateness_count, lateness_sum, lateness_max
            FROM jobctl_day_summary
            """,
            """
            SELECT job, jobctl_day(jobctl_ms(started_at)), count(*), count(duration_ms),
                   COALESCE(sum(duration_ms), 0), count(lateness_ms), COALESCE(sum(lateness_ms), 0), max(lateness_ms)
            FROM jobctl_execution GROUP BY 1, 2
            """
        ),
        (
            "SELECT job, duration_count, duration_sum, lateness_count, lateness_sum FROM jobctl_summary",
            """
            SELECT job, count(duration_ms), COALESCE(sum(duration_ms), 0), count(lateness_ms),
                   COALESCE(sum(lateness_ms), 0)
            FROM jobctl_execution GROUP BY job
            """
        ),
    ]
}

extension PostgresQueueTests {
    /// A queued fire whose job no live node has with its definition any more waits for ever
    /// unless housekeeping records it: `skipped` with the reason, once it is a day old.
    @Test func aQueuedFireNoLiveNodeCanStartIsSkippedAfterADay() throws {
        let nodes = try PostgresNodes()
        let (a, b, _) = try liveRun(nodes)
        let queued = try b.claimFire(PostgresNodes.start("j", fire: historyBase + 60), policy: Self.queue)
        guard case .queued(let id) = queued.outcome else { Issue.record("\(queued)"); return }  // months ago
        try a.startNode(version: "2", configDigest: "c", jobs: ["j": Self.queue])
        #expect(try b.skipStrandedQueued() == 0)  // a live node has j as it was queued
        try a.startNode(version: "2", configDigest: "c", jobs: ["j": JobClaimPolicy(exclusive: true, digest: "d2")])
        #expect(try b.skipStrandedQueued(olderThan: .seconds(86_400 * 10_000)) == 0)  // not that old
        #expect(try b.skipStrandedQueued(now: historyBase + 3600) == 1)
        let row = try #require(try b.execution(id: id))
        #expect(row.status == .skipped && row.error == PostgresStateStore.strandedReason)
        #expect(row.finishedAt == historyBase + 3600)
    }
}

extension PostgresQueueTests {
    /// As on one host, where a queued fire meets the pause check when it is started: a paused
    /// job's queued fire is recorded `skipped` with the pause's reason when its turn comes.
    @Test func aPausedJobsQueuedFireIsSkippedWhenItsTurnComes() throws {
        let nodes = try PostgresNodes()
        let (a, b, live) = try liveRun(nodes)
        let queued = try b.claimFire(PostgresNodes.start("j", fire: historyBase + 60), policy: Self.queue)
        guard case .queued(let id) = queued.outcome else { Issue.record("\(queued)"); return }
        _ = try a.pause(job: "j", by: "ops", note: "maintenance", at: historyBase + 30)
        #expect(try b.dequeue(jobs: ["j": "d1"], now: historyBase + 80).isEmpty)
        #expect(try b.execution(id: id)?.status == .queued)  // its turn has not come
        try a.finish(live, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 90))
        #expect(try b.dequeue(jobs: ["j": "d1"], now: historyBase + 95).isEmpty)
        let row = try #require(try b.execution(id: id))
        let pause = try #require(try b.activePause(job: "j"))
        #expect(row.status == .skipped && row.error == pause.skipReason && row.finishedAt == historyBase + 95)
        #expect(row.startedAt == historyBase + 60 && row.latenessMs == nil)
    }
}
