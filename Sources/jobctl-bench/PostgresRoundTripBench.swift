import Foundation
import JobctlPostgres

/// The same one-statement write three ways, interleaved so that the machine's load falls on
/// all three alike: `jobctl-bench pg-roundtrips URL [COUNT]`.
///
/// - `transaction`: BEGIN (with the timeouts' `SET LOCAL`), the statement, COMMIT: three round
///   trips (how the store ran a claim before);
/// - `autocommit`: `PostgresConnection.autocommit`, the timeouts and the statement pipelined,
///   one round trip (the store now);
/// - `bare`: the statement alone (`query`), one round trip without the timeouts (the floor).
enum PostgresRoundTripBench {
    static let statement = """
        INSERT INTO bench_roundtrip (job, at) VALUES ($1, now())
        ON CONFLICT (job) DO NOTHING RETURNING id
        """

    static func run(url: String, count: Int) throws {
        let connection = try PostgresConnection(PostgresConfiguration(url))
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_roundtrip (id bigserial PRIMARY KEY, job text UNIQUE, at timestamptz)")
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var samples = [Samples(), Samples(), Samples()]
        for i in -30..<count {
            for way in 0..<3 {
                let job: PostgresValue = .text("\(tag)-\(i)-\(way)")
                let began = DispatchTime.now()
                switch way {
                case 0: _ = try connection.transaction { try $0.query(statement, [job]) }
                case 1: _ = try connection.autocommit(statement, [job])
                default: _ = try connection.query(statement, [job])
                }
                if i >= 0 { samples[way].add(since: began) }
            }
        }
        print("transaction (BEGIN, statement, COMMIT) \(samples[0].summary)")
        print("autocommit (one round trip)            \(samples[1].summary)")
        print("bare statement (no timeouts)           \(samples[2].summary)")
    }
}
