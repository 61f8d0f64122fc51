import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlPostgresStore
import JobctlReports
import JobctlTime
import Testing

@testable import JobctlStore

/// Node identity, heartbeats, the definition check of `CLAIM`, and `REAP_RETRY`.
extension StoreConformanceTests {
    @Test func nodeIdentitiesAreHostPidAndARandomPartNeverShared() {
        let ids = (0..<50).map { _ in NodeIdentity.current() }
        #expect(Set(ids.map(\.id)).count == 50)
        let one = NodeIdentity(host: "app-1", pid: 4242, random: 0xBEEF)
        #expect(one.id == "app-1:4242:000000000000beef")
        #expect(ids.allSatisfy { $0.id.hasPrefix("\($0.host):\(getpid()):") && $0.random.count == 16 })
    }

    /// `NODE_START`, `HEARTBEAT`, a clean stop and `nodes()`: each node with its version,
    /// digest, liveness and the runs it holds.
    @Test func nodesHeartbeatAndListWhatEachIsRunning() throws {
        let nodes = try PostgresNodes()
        let (a, b) = (try nodes.node(), try nodes.node())
        try a.startNode(
            version: "2.0.0", configDigest: "cfg-a",
            jobs: ["j": JobClaimPolicy(digest: "d1"), "k": JobClaimPolicy(exclusive: true, digest: "d2")])
        try b.startNode(version: "2.0.1", configDigest: "cfg-b", jobs: ["j": JobClaimPolicy(digest: "d1")])
        let run = try #require(try a.claim(PostgresNodes.start("j", fire: historyBase)).claim)
        let before = try #require(try a.nodes().first { $0.nodeID == a.node.id })
        #expect(before.version == "2.0.0" && before.configDigest == "cfg-a" && before.isLive)
        #expect(before.host == a.node.host && before.pid == getpid() && before.stoppedAt == nil)
        #expect(before.running.map(\.runID) == [run.runID] && before.running.first?.scheduledAt == historyBase)
        Thread.sleep(forTimeInterval: 0.01)
        try a.heartbeat(version: "2.0.0", configDigest: "cfg-a2")
        try b.stopNode()
        let listed = try b.nodes()
        #expect(listed.count == 2)
        let after = try #require(listed.first { $0.nodeID == a.node.id })
        #expect(after.heartbeatAt > before.heartbeatAt && after.configDigest == "cfg-a2")
        let stopped = try #require(listed.first { $0.nodeID == b.node.id })
        #expect(!stopped.isLive && stopped.stoppedAt != nil && stopped.running.isEmpty)
        #expect(try nodes.value("SELECT count(*) FROM jobctl_node_job WHERE node_id = $1", [.text(a.node.id)]) == "2")
        #expect(try a.deleteGoneNodes() == 0)
        try nodes.sql().execute(
            "UPDATE jobctl_node SET stopped_at = now() - interval '25 hours' WHERE node_id = $1",
            [.text(b.node.id)])
        #expect(try a.deleteGoneNodes() == 1)
        #expect(try a.nodes().map(\.nodeID) == [a.node.id])
    }

    /// Nodes whose definitions of a job differ refuse to claim it (`REFUSED`, nothing
    /// recorded) while the other node is live; a stopped or silent node does not count.
    @Test func nodesWhoseDefinitionsDifferRefuseToClaim() throws {
        let nodes = try PostgresNodes()
        let (a, b) = (try nodes.node(), try nodes.node())
        try a.startNode(version: "2", configDigest: "c", jobs: ["j": JobClaimPolicy(digest: "old")])
        let start = PostgresNodes.start("j", fire: historyBase)
        #expect(try b.claimFire(start, policy: JobClaimPolicy(digest: "new")).outcome == .refused)
        b.setJobPolicies(["j": JobClaimPolicy(digest: "new")])
        #expect(throws: PostgresStateStoreError.refused(job: "j")) { try b.claim(start) }
        #expect(try nodes.rowCount() == 0)
        try nodes.sql().execute("UPDATE jobctl_node SET heartbeat_at = now() - interval '31 seconds'")
        #expect(try b.claim(start).claim != nil)
        try a.heartbeat(version: "2", configDigest: "c")
        #expect(
            try b.claimFire(PostgresNodes.start("j", fire: historyBase + 60), policy: JobClaimPolicy(digest: "new"))
                .outcome == .refused)
        try a.stopNode()
        guard
            case .claimed = try b.claimFire(
                PostgresNodes.start("j", fire: historyBase + 60), policy: JobClaimPolicy(digest: "new")
            ).outcome
        else {
            Issue.record("a stopped node's definition still refused the claim")
            return
        }
    }

    /// `REAP_RETRY`: an `on_lost=retry` job's lost attempt 1 is claimed again by the reaping
    /// node as attempt 2 under a new token, once; the lost node's writes stay refused; other
    /// jobs, other digests and manual runs are only abandoned.
    @Test func aLostRunOfAnOnLostRetryJobIsClaimedAgainUnderANewToken() throws {
        let nodes = try PostgresNodes()
        let lost = try nodes.node(lease: .milliseconds(300))
        let reaper = try nodes.node()
        let exclusive = JobClaimPolicy(exclusive: true, digest: "d1")
        let first = try lost.claimFire(PostgresNodes.start("pay", fire: historyBase), policy: exclusive)
        guard case .claimed(let claim) = first.outcome else { Issue.record("\(first)"); return }
        let other = try #require(try lost.claim(PostgresNodes.start("sh", fire: historyBase)).claim)
        let manual = try #require(try lost.claim(PostgresNodes.start("pay2", fire: nil, trigger: .manual)).claim)
        for run in [claim, other, manual] { try nodes.waitForExpiredLease(run) }
        let outcome = try reaper.reap(retrying: ["pay": "d1", "sh": "other digest", "pay2": ""], now: historyBase + 60)
        #expect(Set(outcome.abandoned.map(\.runID)) == [claim.runID, other.runID, manual.runID])
        #expect(outcome.abandoned.allSatisfy { $0.ownerNode == lost.node.id })
        let retry = try #require(outcome.retries.first)
        #expect(outcome.retries.count == 1 && retry.job == "pay" && retry.attempt == 2)
        #expect(retry.lostRunID == claim.runID)
        #expect(retry.claim.token != claim.token && retry.scheduledAt == historyBase)
        let row = try #require(try reaper.execution(id: retry.claim.runID))
        #expect(row.status == .running && row.triggeredBy == .retry && row.attempt == 2 && row.latenessMs == nil)
        #expect(try !lost.finish(claim, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 61)))
        #expect(try !lost.finish(retry.claim, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 61)))
        #expect(try reaper.finish(retry.claim, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 62)))
        #expect(try reaper.reap(retrying: ["pay": "d1"]) == ReapOutcome())
        #expect(try reaper.execution(id: claim.runID)?.status == .abandoned)
    }
}
