import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlPostgresStore
import JobctlReports
import JobctlTime
import Testing

@testable import JobctlStore

/// What docs/several-hosts.md asks of the PostgreSQL store beyond the common contract: the
/// claim's two unique indexes, the fence, leases reaped by another node, the database's clock.
/// Each "node" is a store of its own (its own `host:pid:random`) on the test's database.
extension StoreConformanceTests {
    typealias Nodes = PostgresNodes

    /// `_fire`: a fire held by another node's claim is `TAKEN`, and a claim blocked by a
    /// concurrent, not yet committed claim of the same fire inserts nothing (`RACE`) and then
    /// finds it taken.
    @Test func claimDoesNothingWhenTheFireIsHeld() throws {
        let nodes = try Nodes()
        let (a, b) = (try nodes.node(), try nodes.node())
        let fire = historyBase
        let first = try a.claimFire(Nodes.start("j", fire: fire), policy: JobClaimPolicy())
        guard case .claimed(let claim) = first.outcome else { Issue.record("\(first)"); return }
        #expect(
            try b.claimFire(Nodes.start("j", fire: fire), policy: JobClaimPolicy()).outcome
                == .taken(runID: claim.runID))
        #expect(try b.claim(Nodes.start("j", fire: fire)) == .alreadyClaimed)
        #expect(try a.claim(Nodes.start("j", fire: fire)) == .alreadyClaimed)
        // The same fire, claimed by a transaction that commits while this claim waits on it.
        let waiting = try nodes.sql().transaction { tx in
            try tx.execute(Self.insertRunningSQL, [.text("k"), .timestamp(fire), .bool(false)])
            let waiting = BackgroundCall { try b.claimFire(Nodes.start("k", fire: fire), policy: JobClaimPolicy()) }
            try nodes.waitForALockWaiter()
            return waiting
        }
        #expect(try waiting.wait().outcome == .race)
        guard case .taken = try b.claimFire(Nodes.start("k", fire: fire), policy: JobClaimPolicy()).outcome else {
            Issue.record("the second claim did not find the fire taken")
            return
        }
        #expect(try nodes.rowCount() == 2)
    }

    /// `_one_live`: while a run of an exclusive job is live (on any node), a fire is recorded
    /// `skipped` and a manual trigger is refused with nothing recorded; and a claim that did
    /// not see a concurrent live run (not committed yet) is stopped by the index itself.
    @Test func claimDoesNothingWhenALiveRunBlocksIt() throws {
        let nodes = try Nodes()
        let (a, b) = (try nodes.node(), try nodes.node())
        let skip = JobClaimPolicy(exclusive: true, digest: "d1")
        b.setJobPolicies(["j": skip])
        let live = try a.claimFire(Nodes.start("j", fire: historyBase), policy: skip)
        guard case .claimed = live.outcome else { Issue.record("\(live)"); return }
        let next = try b.claimFire(Nodes.start("j", fire: historyBase + 60), policy: skip)
        guard case .skipped(let skippedID) = next.outcome else { Issue.record("\(next)"); return }
        let row = try #require(try b.execution(id: skippedID))
        #expect(row.status == .skipped && row.error == "previous run still running (overlap=skip)")
        #expect(try b.claimFire(Nodes.start("j", fire: nil, trigger: .manual), policy: skip).outcome == .blocked)
        #expect(try b.claim(Nodes.start("j", fire: nil, trigger: .manual)) == .alreadyClaimed)
        #expect(try nodes.rowCount() == 2)
        // A live run committed while the claim waits on the index: no row, no holder of this fire.
        let waiting = try nodes.sql().transaction { tx in
            try tx.execute(Self.insertRunningSQL, [.text("k"), .timestamp(historyBase), .bool(true)])
            let waiting = BackgroundCall { try b.claimFire(Nodes.start("k", fire: historyBase + 60), policy: skip) }
            try nodes.waitForALockWaiter()
            return waiting
        }
        #expect(try waiting.wait().outcome == .race)
        guard case .skipped = try b.claimFire(Nodes.start("k", fire: historyBase + 60), policy: skip).outcome else {
            Issue.record("the second claim did not record the fire skipped")
            return
        }
        #expect(try nodes.rowCount() == 4)
    }

    /// A running row as another node's committed or pending claim would write it: $1 job,
    /// $2 fire, $3 exclusive.
    static let insertRunningSQL = """
        INSERT INTO jobctl_execution (job, scheduled_at, triggered_by, status, exclusive, owner_node, lease_until,
                                      config_digest, host, pid, started_at)
        VALUES ($1, $2, 'schedule', 'running', $3, 'other:1:0', now() + interval '30 seconds', '', 'other', 1, $2)
        """

    /// A finish (or renewal) naming another node's run, or a run no longer running, writes
    /// nothing: every write matches the token, the owner and `running`.
    @Test func finishWithASupersededTokenWritesNothing() throws {
        let nodes = try Nodes()
        let (a, b) = (try nodes.node(), try nodes.node())
        let claimA = try #require(try a.claim(Nodes.start("j", fire: historyBase)).claim)
        let claimB = try #require(try b.claim(Nodes.start("j", fire: historyBase + 60)).claim)
        let end = ExecutionEnd(status: .succeeded, finishedAt: historyBase + 5, output: "late")
        #expect(try !b.finish(claimA, end))
        #expect(try !a.finish(claimB, end))
        #expect(try !b.renew(claimA, now: historyBase))
        #expect(try b.renew([claimA, claimB]) == [claimB])
        #expect(try a.execution(id: claimA.runID)?.status == .running)
        #expect(try a.finish(claimA, ExecutionEnd(status: .failed, finishedAt: historyBase + 2, error: "exit 1")))
        #expect(try !a.finish(claimA, end))
        let row = try #require(try a.execution(id: claimA.runID))
        #expect(row.status == .failed && row.error == "exit 1" && row.output == nil && row.durationMs == 2000)
    }

    /// A node that stops renewing (dead, or stalled past its lease) has its run reaped
    /// `abandoned` by another node; its late renewal and finish are refused and change nothing;
    /// `abandoned` counts as a failure in stats and has its own Prometheus counter.
    @Test func anExpiredLeaseIsReapedAbandonedByAnotherNodeAndTheOwnersLateWritesAreRefused() throws {
        let nodes = try Nodes()
        let stalled = try nodes.node(lease: .milliseconds(300))
        let (reaper, healthy) = (try nodes.node(), try nodes.node())
        let lost = try #require(try stalled.claim(Nodes.start("j", fire: historyBase)).claim)
        let alive = try #require(try healthy.claim(Nodes.start("k", fire: historyBase)).claim)
        try nodes.waitForExpiredLease(lost)
        #expect(try !stalled.renew(lost, now: historyBase))  // expired: refused even before any reaper
        #expect(try reaper.recoverInterrupted(now: historyBase + 60) { _ in false } == 1)
        let row = try #require(try reaper.execution(id: lost.runID))
        #expect(row.status == .abandoned && row.durationMs == nil && row.finishedAt == historyBase + 60)
        #expect(row.error == "lease expired: node \(stalled.node.id) stopped renewing")
        #expect(try !stalled.finish(lost, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 61)))
        #expect(try !stalled.renew(lost, now: historyBase + 61))
        #expect(try reaper.execution(id: lost.runID) == row)
        #expect(try healthy.execution(id: alive.runID)?.status == .running)
        #expect(try reaper.recoverInterrupted(now: historyBase + 62) { _ in false } == 0)
        let stats = try reaper.stats(job: "j", since: nil)
        #expect(stats.overall.failed == 1 && stats.jobs.first?.consecutiveFailures == 1)
        #expect(stats.jobs.first?.lastFailure == historyBase + 60)
        let exposition = PrometheusExporter.render(try reaper.metricsSnapshot())
        #expect(exposition.contains("jobctl_job_runs_total{job=\"j\",status=\"abandoned\"} 1\n"))
    }

    /// `RENEW` moves the lease forward on the database's clock; once the lease has expired it
    /// is refused, reaper or not (the run may be reaped at any moment).
    @Test func renewExtendsTheLeaseOnTheDatabaseClockUntilItExpires() throws {
        let nodes = try Nodes()
        let node = try nodes.node(lease: .seconds(20))
        let claim = try #require(try node.claim(Nodes.start("j", fire: historyBase)).claim)
        let lease = "SELECT jobctl_ms(lease_until) - jobctl_ms(now()) FROM jobctl_execution WHERE id = $1"
        Thread.sleep(forTimeInterval: 0.05)
        let before = try #require(Int64(try nodes.value(lease, [.int64(claim.runID)]) ?? ""))
        #expect(try node.renew(claim, now: .distantPast))
        let after = try #require(Int64(try nodes.value(lease, [.int64(claim.runID)]) ?? ""))
        #expect(after > before && after <= 20_000)
        let short = try nodes.node(lease: .milliseconds(200))
        let brief = try #require(try short.claim(Nodes.start("k", fire: historyBase)).claim)
        try nodes.waitForExpiredLease(brief)
        #expect(try short.renew([brief]).isEmpty)
        #expect(try short.execution(id: brief.runID)?.status == .running)
    }

    /// Two nodes, each claiming from several threads at once, race for the same fires: each
    /// fire gets exactly one row. Also prints the claim rate.
    @Test func twoNodesRacingForTheSameFiresFromManyThreadsClaimEachOnce() throws {
        let nodes = try Nodes()
        let stores = [try nodes.node(), try nodes.node()]
        let fires = (0..<100).map { historyBase.addingTimeInterval(Double($0) * 60) }
        let threads = 8
        let won = WonFires()
        let began = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let store = stores[thread % 2]
            let order = thread % 3 == 0 ? fires : thread % 3 == 1 ? fires.reversed() : fires.shuffled()
            for fire in order {
                do {
                    if try store.claim(Nodes.start("race", fire: fire)).claim != nil { won.add(fire) }
                } catch {
                    won.fail("\(error)")
                }
            }
        }
        let elapsed = began.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = Double(threads * fires.count) / seconds
        PostgresTestCluster.log(
            "claims: \(threads * fires.count) from \(threads) threads in \(elapsed) (\(Int(rate))/s)")
        #expect(won.errors.isEmpty, "\(won.errors.prefix(3))")
        #expect(won.fires.count == fires.count && Set(won.fires) == Set(fires))
        #expect(try nodes.rowCount() == fires.count)
    }

    /// P0: a fire is claimed only once the database's clock has reached it, whatever the
    /// caller's clock says. `NOT_DUE` is not "taken": nothing is recorded.
    @Test func aFireNotYetDueByTheDatabaseClockIsNotClaimed() throws {
        let nodes = try Nodes()
        let node = try nodes.node()
        let fire = try nodes.now().addingTimeInterval(3600)
        let start = Nodes.start("j", fire: fire, at: fire)  // the caller's clock says it is due
        #expect(try node.claimFire(start, policy: JobClaimPolicy()).outcome == .notDue)
        #expect(throws: PostgresStateStoreError.self) { try node.claim(start) }
        #expect(throws: PostgresStateStoreError.self) { try node.claimSkipped(start, reason: "overlap") }
        #expect(try nodes.rowCount() == 0)
        #expect(try node.claim(Nodes.start("j", fire: fire.addingTimeInterval(-7200))).claim != nil)
    }
}
