import Foundation
import JobctlPostgres
import JobctlPostgresStore
import Testing

@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// `Scheduler+Dequeue` on a PostgreSQL store, without the node's 2-s loop: the scheduler whose
/// run of an `overlap=queue` job ends dequeues that job at once (docs/several-hosts.md §5.10).
@Suite(.postgresCluster) struct SchedulerDequeueTests {
    static let policy = JobClaimPolicy(exclusive: true, queue: true, digest: "d")

    /// A fire queued by another node behind this scheduler's run starts here when the run ends,
    /// as one of this scheduler's runs, and only then. No 2-s loop runs in this test: without
    /// the dequeue after the run, the fire would stay queued.
    @Test func theSchedulerWhoseRunEndsStartsTheFireQueuedBehindIt() async throws {
        let nodes = try PostgresNodes()
        let directory = try HistoryTempDirectory()
        defer { directory.cleanup() }
        let q = try job(
            "q", "0 0 1 1 *", overlap: .queue, action: .builtin(testKind, options: ["block_ms": .integer(1_500)]))
        let node = try SchedulerBatchClaimTests.Node(nodes, host: "a", jobs: [q], directory: directory)
        node.store.setJobPolicies(["q": Self.policy])
        let now = try nodes.now()
        let first = Instant(date: now.addingTimeInterval(-2))
        let start = ExecutionStart(
            job: "q", scheduledFor: first, startedAt: Date(), attempt: 1, triggeredBy: .schedule, user: nil, host: "a",
            pid: 1)
        let claim = try #require(try node.store.claim(start).claim)
        let request = RunRequest(job: q, fire: first, trigger: .schedule)
        await node.scheduler.startHeld(
            request, held: HeldClaim(claim: claim, leaseStart: BootClock.now(), startedAt: Date()))

        let other = try nodes.node()
        let queued = try other.claimFire(
            PostgresNodes.start("q", fire: now.addingTimeInterval(-1), at: now), policy: Self.policy)
        guard case .queued(let id) = queued.outcome else {
            Issue.record("\(queued)")
            await node.stop()
            return
        }
        let ended = try await Self.waitFor(nodes, "SELECT status = 'succeeded' FROM jobctl_execution WHERE id = $1", id)
        await node.stop()
        #expect(ended, "the queued fire was not run within 120 s")
        let row = try #require(try node.store.execution(id: id))
        let firstRow = try #require(try node.store.execution(id: claim.runID))
        // `succeeded`; or `abandoned` when the machine is so busy that the scheduler's start
        // (which reaps expired leases) came after the 30 s lease of the held run: it ends either way.
        #expect(row.status == .succeeded && [.succeeded, .abandoned].contains(firstRow.status))
        #expect(row.startedAt >= (firstRow.finishedAt ?? .distantFuture))
        let owner = "SELECT owner_node FROM jobctl_execution WHERE id = $1"
        #expect(try nodes.value(owner, [.int64(id)]) == node.store.node.id)
    }

    /// Polls `query` (one boolean, `$1` = `id`) every 50 ms until true; false after 120 s, a
    /// hang guard: under `swift test --parallel` on 2 cores, this run of 1.5 s was seen to end
    /// 57 s after it started (the cooperative pool busy with other suites).
    static func waitFor(_ nodes: PostgresNodes, _ query: String, _ id: Int64) async throws -> Bool {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if try nodes.value(query, [.int64(id)]) == "t" { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
