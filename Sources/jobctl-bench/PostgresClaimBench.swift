import Foundation
import JobctlPostgresStore
import JobctlStore
import JobctlTime

/// One node's claim, renew and finish, one at a time, each a whole store call (the pool, the
/// statement, the round trips): `jobctl-bench pg-claim URL [COUNT]`.
enum PostgresClaimBench {
    static func run(url: String, count: Int) throws {
        let node = NodeIdentity(host: "bench", pid: getpid(), random: UInt64.random(in: 1...UInt64.max))
        let store = try PostgresStateStore(url: url, node: node, lease: .seconds(120))
        let fire = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 60).rounded(.down))
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var claims = Samples(), renews = Samples(), finishes = Samples()
        for i in -50..<count {  // the first 50 warm up the pool and the server's plans
            let start = ExecutionStart(
                job: "claim-\(tag)-\(i)", scheduledFor: Instant(date: fire), startedAt: Date(), attempt: 1,
                triggeredBy: .schedule,
                user: nil, host: node.host, pid: node.pid)
            var began = DispatchTime.now()
            guard let claim = try store.claim(start).claim else { throw BenchError("fire \(i) not claimed") }
            if i >= 0 { claims.add(since: began) }
            began = DispatchTime.now()
            guard try store.renew([claim]).contains(claim) else { throw BenchError("run \(i) not renewed") }
            if i >= 0 { renews.add(since: began) }
            began = DispatchTime.now()
            guard try store.finish(claim, ExecutionEnd(status: .succeeded, finishedAt: Date())) else {
                throw BenchError("run \(i) not finished")
            }
            if i >= 0 { finishes.add(since: began) }
        }
        print("claim  \(claims.summary)")
        print("renew  \(renews.summary)")
        print("finish \(finishes.summary)")
    }
}
