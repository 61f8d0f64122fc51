import Foundation
import JobctlPostgres
import Testing

/// Transactions, the async API and PgBouncer, on the same suite's cluster.
extension PostgresConnectionTests {
    struct Abort: Error {}

    @Test func transactionCommitsAndRollsBackOnThrow() throws {
        let connection = try PostgresConnection(Self.configuration())
        try connection.execute("CREATE TEMP TABLE ledger (amount bigint NOT NULL)")
        try connection.transaction { try $0.execute("INSERT INTO ledger VALUES (1)") }
        #expect(throws: Abort.self) {
            try connection.transaction { tx in
                try tx.execute("INSERT INTO ledger VALUES (2)")
                throw Abort()
            }
        }
        #expect(try connection.query("SELECT sum(amount) AS s FROM ledger").first?.int64("s") == 1)
    }

    @Test func caughtErrorInsideATransactionRollsBackInsteadOfCommitting() throws {
        let connection = try PostgresConnection(Self.configuration())
        try connection.execute("CREATE TEMP TABLE ledger (amount bigint PRIMARY KEY)")
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction { tx in
                try tx.execute("INSERT INTO ledger VALUES (5)")
                _ = try? tx.execute("INSERT INTO ledger VALUES (5)")  // fails; error swallowed
            }
        }
        #expect(error.kind == .usage)
        #expect(try connection.query("SELECT count(*) AS n FROM ledger").first?.int("n") == 0)
    }

    @Test func nestedTransactionIsRefused() throws {
        let connection = try PostgresConnection(Self.configuration())
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction { tx in try tx.transaction { _ in } }
        }
        #expect(error.kind == .usage)
        #expect(connection.isAlive())
    }

    @Test func transactionSetsItsTimeoutsAndIsolationLevel() throws {
        let connection = try PostgresConnection(Self.configuration("?lock_timeout=300"))
        let row = try connection.transaction(isolation: .serializable) { tx in
            try tx.query(
                "SELECT current_setting('lock_timeout') AS lock, current_setting('transaction_isolation') AS iso")
        }.first
        #expect(try row?.string("lock") == "300ms")
        #expect(try row?.string("iso") == "serializable")
    }

    @Test func asyncCallsFromManyTasksAreSerializedOnTheConnection() async throws {
        let connection = try await PostgresAsyncConnection.connect(Self.configuration())
        let sums = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<40 {
                group.addTask {
                    try await connection.query("SELECT $1::bigint * 2 AS n", [.int(i)]).first?.int64("n") ?? -1
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(sums.sorted() == (0..<40).map { Int64($0 * 2) })
        let total = try await connection.transaction { tx in
            try tx.query("SELECT sum(g) AS s FROM generate_series(1, 100) g").first?.int64("s")
        }
        #expect(total == 5050)
    }

    @Test func transactionTimeoutsHoldBehindPgBouncer() throws {
        let url = try PostgresTestCluster.require().pgbouncerURL()
        let connection = try PostgresConnection(PostgresConfiguration(url + "?statement_timeout=200"))
        // PgBouncer drops the startup options: outside a transaction the server default holds.
        #expect(try connection.query("SHOW statement_timeout").first?.string("statement_timeout") == "0")
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction { try $0.query("SELECT pg_sleep(5)") }
        }
        #expect(error.isQueryCanceled)
        #expect(try connection.transaction { try $0.query("SELECT 7 AS n").first?.int("n") } == 7)
    }
}
