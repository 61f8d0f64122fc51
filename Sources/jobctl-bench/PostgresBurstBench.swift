import Foundation
import JobctlPostgres
import JobctlPostgresStore
import JobctlStore
import JobctlTime

/// JOBS fires due at the same instant, claimed by NODES nodes at once, each node a store of its
/// own (its own identity and connections) driven directly, without the scheduler:
/// `jobctl-bench pg-burst URL single|batch [JOBS] [NODES]`.
///
/// - `single`: each node claims every fire one statement at a time (`claim(_:)`, what the
///   scheduler does today), with two threads per node (the cooperative pool's width here).
/// - `batch`: each node claims all of them in one statement (`claimFires(_:)`).
///
/// Every node goes at the instant (by this machine's clock, which is the database's here). It
/// prints the lateness, seen by the node, of each fire it won: when its claim returned − the
/// fire. The database's own figure (`started_at − scheduled_at`) and the check that each fire
/// was claimed once are the script's SQL; this prints the instant (`fire=`) for it.
enum PostgresBurstBench {
    static func run(url: String, batch: Bool, jobs: Int, nodes: Int) throws {
        let stores = try (0..<nodes).map { n in
            try PostgresStateStore(
                configuration: PostgresConfiguration(url),
                node: NodeIdentity(host: "bench\(n)", pid: getpid(), random: UInt64.random(in: 1...UInt64.max)),
                lease: .seconds(300), connections: 2)
        }
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let names = (0..<jobs).map { "burst-\(tag)-\(String(format: "%04d", $0))" }
        let fire = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2).rounded(.up))
        let results = Results()
        let threads = batch ? 1 : 2
        DispatchQueue.concurrentPerform(iterations: nodes * threads) { worker in
            let store = stores[worker / threads]
            let mine = stride(from: worker % threads, to: jobs, by: threads).map { names[$0] }
            Thread.sleep(until: fire)
            do {
                let won = batch ? try claimAll(store, mine, fire: fire) : try claimEach(store, mine, fire: fire)
                results.add(won)
            } catch {
                results.fail("\(error)")
            }
        }
        if let failure = results.failure { throw BenchError(failure) }
        let fireMs = Int64((fire.timeIntervalSince1970 * 1000).rounded())
        print(
            "fire=\(fireMs) tag=\(tag) won=\(results.samples.count) nodes=\(nodes) path=\(batch ? "batch" : "single")")
        print("lateness seen by the winning node: \(results.samples.summary)")
    }

    /// Claims fire by fire; the lateness of each won, when its claim returned.
    static func claimEach(_ store: PostgresStateStore, _ jobs: [String], fire: Date) throws -> [Double] {
        var won: [Double] = []
        for job in jobs {
            let start = fireStart(store, job, fire)
            var claim: FireClaim?
            while claim == nil {
                do {
                    claim = try store.claim(start)
                } catch PostgresStateStoreError.notDue {
                    Thread.sleep(forTimeInterval: 0.001)
                }
            }
            if claim?.claim != nil { won.append(Date().timeIntervalSince(fire) * 1000) }
        }
        return won
    }

    /// Claims all in one statement (again for those not yet due by the database's clock); every
    /// fire won by one statement has the same lateness.
    static func claimAll(_ store: PostgresStateStore, _ jobs: [String], fire: Date) throws -> [Double] {
        var left = jobs
        var won: [Double] = []
        while !left.isEmpty {
            let answers = try store.claimFires(left.map { fireStart(store, $0, fire) })
            let late = Date().timeIntervalSince(fire) * 1000
            var notDue: [String] = []
            for (job, answer) in zip(left, answers) {
                if case .claimed = answer.outcome { won.append(late) }
                if case .notDue = answer.outcome { notDue.append(job) }
            }
            left = notDue
            if !left.isEmpty { Thread.sleep(forTimeInterval: 0.001) }
        }
        return won
    }

    static func fireStart(_ store: PostgresStateStore, _ job: String, _ fire: Date) -> ExecutionStart {
        ExecutionStart(
            job: job, scheduledFor: Instant(date: fire), startedAt: Date(), attempt: 1, triggeredBy: .schedule,
            user: nil,
            host: store.node.host, pid: store.node.pid)
    }

    /// What the workers found, under a lock.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var samples = Samples()
        private(set) var failure: String?

        func add(_ won: [Double]) { lock.withLock { won.forEach { samples.add($0) } } }
        func fail(_ message: String) { lock.withLock { failure = failure ?? message } }
    }
}
