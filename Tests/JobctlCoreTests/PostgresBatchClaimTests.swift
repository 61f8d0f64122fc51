import Foundation
import JobctlPostgres
import JobctlPostgresStore
import Testing

@testable import JobctlStore

/// `claimFires(_:)`, the batched `CLAIM` of §5.3, against the single claim it must equal.
@Suite(.postgresCluster) struct PostgresBatchClaimTests {
    /// The situations a fire can be in, set up once under `prefix`; returns each job's held run
    /// (the row a claim of its fire must report, if any).
    private func situations(_ a: PostgresStateStore, _ b: PostgresStateStore, prefix p: String) throws -> [String:
        Int64]
    {
        let fire = historyBase
        var held: [String: Int64] = [:]
        held["\(p)taken"] = try #require(try b.claim(PostgresNodes.start("\(p)taken", fire: fire)).claim).runID
        held["\(p)adopt"] = try #require(try a.claim(PostgresNodes.start("\(p)adopt", fire: fire)).claim).runID
        held["\(p)recorded"] = try #require(
            try b.claimSkipped(PostgresNodes.start("\(p)recorded", fire: fire), reason: "paused").claim
        ).runID
        _ = try #require(try a.claim(PostgresNodes.start("\(p)skip", fire: fire - 60)).claim)
        return held
    }

    private static let skipPolicy = JobClaimPolicy(exclusive: true, digest: "d")

    private let kinds = ["free", "taken", "adopt", "recorded", "skip", "notdue", "refused", "we\"ird\\,{NULL} x"]

    private func starts(_ prefix: String, now: Date) -> [ExecutionStart] {
        kinds.map { kind in
            PostgresNodes.start(prefix + kind, fire: kind == "notdue" ? now + 3600 : historyBase)
        }
    }

    /// The outcome without its fresh ids: a held run's id must be the one set up.
    private func shape(_ outcome: ClaimOutcome, held: Int64?) -> String {
        switch outcome {
        case .claimed: "claimed"
        case .skipped: "skipped"
        case .queued: "queued"
        case .notDue: "notDue"
        case .refused: "refused"
        case .blocked: "blocked"
        case .race: "race"
        case .adopt(let claim): "adopt(held: \(claim.runID == held))"
        case .taken(let id): "taken(held: \(id == held))"
        }
    }

    @Test func aBatchOfFiresGetsTheAnswersOfTheirSingleClaims() throws {
        let nodes = try PostgresNodes()
        let (a, b) = (try nodes.node(), try nodes.node())
        try b.startNode(
            version: "2", configDigest: "c",
            jobs: ["x-refused": JobClaimPolicy(digest: "other"), "y-refused": JobClaimPolicy(digest: "other")])
        a.setJobPolicies(["x-skip": Self.skipPolicy, "y-skip": Self.skipPolicy])
        let heldX = try situations(a, b, prefix: "x-")
        let heldY = try situations(a, b, prefix: "y-")
        let now = try nodes.now()
        let batch = try a.claimFires(starts("x-", now: now)).enumerated().map { i, answer in
            shape(answer.outcome, held: heldX["x-" + kinds[i]])
        }
        let single = try starts("y-", now: now).enumerated().map { i, start in
            let policy = kinds[i] == "skip" ? Self.skipPolicy : JobClaimPolicy()
            return shape(try a.claimFire(start, policy: policy).outcome, held: heldY["y-" + kinds[i]])
        }
        #expect(batch == single)
        #expect(
            batch == [
                "claimed", "taken(held: true)", "adopt(held: true)", "taken(held: true)", "skipped", "notDue",
                "refused", "claimed",
            ])
        // The rows written are the same, column by column (ids, owners' node and times aside).
        let columns = """
            SELECT substr(job, 3) AS kind, status, attempt, triggered_by, exclusive, config_digest, host, pid,
                   owner_node IS NOT NULL AS owned, lease_until IS NOT NULL AS leased, error, lateness_ms
            FROM jobctl_execution WHERE job LIKE $1 ORDER BY kind, scheduled_at
            """
        let rows = { (prefix: String) in
            try nodes.sql().query(columns, [.text(prefix + "%")]).map { row in
                try row.columns.map { try row.string($0) }
            }
        }
        #expect(try rows("x-") == rows("y-"))
        #expect(try nodes.value("SELECT count(*) FROM jobctl_execution WHERE job = 'x-we\"ird\\,{NULL} x'") == "1")
    }

    @Test func threeNodesBatchClaimingTheSameInstantClaimEachFireOnce() throws {
        let nodes = try PostgresNodes()
        let stores = try (0..<3).map { _ in try nodes.node() }
        let jobs = (0..<300).map { String(format: "job%03d", $0) }
        let won = WonCounter()
        DispatchQueue.concurrentPerform(iterations: 3) { n in
            // Each node in its own order: the statement inserts in job order whatever it is given.
            let order = n == 1 ? Array(jobs.reversed()) : n == 2 ? jobs.shuffled() : jobs
            do {
                let answers = try stores[n].claimFires(order.map { PostgresNodes.start($0, fire: historyBase) })
                won.add(answers.filter { if case .claimed = $0.outcome { true } else { false } }.count)
            } catch {
                won.fail("\(error)")
            }
        }
        #expect(won.failure == nil)
        #expect(won.total == 300)
        #expect(try nodes.value("SELECT count(DISTINCT job) FROM jobctl_execution WHERE status = 'running'") == "300")
        #expect(try nodes.rowCount() == 300)
    }

    @Test func aBatchNamingAJobTwiceOrAManualRunIsRefusedWhole() throws {
        let nodes = try PostgresNodes()
        let a = try nodes.node()
        #expect(throws: PostgresStateStoreError.self) {
            try a.claimFires([
                PostgresNodes.start("j", fire: historyBase), PostgresNodes.start("j", fire: historyBase + 60),
            ])
        }
        #expect(throws: PostgresStateStoreError.self) {
            try a.claimFires([PostgresNodes.start("k", fire: nil, trigger: .manual)])
        }
        #expect(try nodes.rowCount() == 0)
        #expect(try a.claimFires([]).isEmpty)
    }
}

/// Claims won by concurrent nodes, under a lock.
private final class WonCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var won = 0
    private var failed: String?

    func add(_ count: Int) { lock.withLock { won += count } }
    func fail(_ message: String) { lock.withLock { failed = failed ?? message } }
    var total: Int { lock.withLock { won } }
    var failure: String? { lock.withLock { failed } }
}
