import Foundation
import JobctlPostgres
import Testing

/// `autocommit`: one statement in one round trip, its timeouts included.
extension PostgresConnectionTests {
    /// Dropping BEGIN/COMMIT must not drop the timeouts that `SET LOCAL` carried after BEGIN:
    /// behind PgBouncer in transaction mode the startup `options` are lost, and a plain
    /// autocommit statement would run unbounded (the server's default, 0).
    @Test func autocommitStatementsStayBoundedBehindPgBouncer() throws {
        let url = try PostgresTestCluster.require().pgbouncerURL()
        let connection = try PostgresConnection(PostgresConfiguration(url + "?statement_timeout=200"))
        // Failed once in CI (of about ten full runs); the rows it read say what the server sent.
        let before = try connection.query("SHOW statement_timeout")
        #expect(
            try before.first?.string("statement_timeout") == "0",
            "SHOW statement_timeout behind PgBouncer read \(before.count) row(s): \(before.map { "\($0)" })")
        let error = try #require(throws: PostgresError.self) { try connection.autocommit("SELECT pg_sleep(5)") }
        #expect(error.isQueryCanceled)
        // The connection is usable again, out of pipeline mode, and the setting was local.
        #expect(try connection.autocommit("SELECT 7 AS n").first?.int("n") == 7)
        #expect(try connection.query("SHOW statement_timeout").first?.string("statement_timeout") == "0")
    }

    @Test func autocommitCommitsItsStatementAndRefusesAnOpenTransaction() throws {
        let connection = try PostgresConnection(Self.configuration())
        let table = "autocommit_\(UUID().uuidString.prefix(8).lowercased())"
        try connection.execute("CREATE TABLE \(table) (amount bigint PRIMARY KEY)")
        defer { _ = try? connection.execute("DROP TABLE \(table)") }
        let inserted = try connection.autocommit(
            "INSERT INTO \(table) VALUES ($1) RETURNING amount", [.int64(5_000_000)])
        #expect(try inserted.first?.int64("amount") == 5_000_000)
        let other = try PostgresConnection(Self.configuration())
        #expect(try other.query("SELECT sum(amount) AS s FROM \(table)").first?.int64("s") == 5_000_000)
        // A failing statement commits nothing and leaves the connection usable.
        #expect(throws: PostgresError.self) {
            try connection.autocommit("INSERT INTO \(table) VALUES (1), (5000000)")
        }
        #expect(try other.query("SELECT count(*) AS n FROM \(table)").first?.int("n") == 1)
        try connection.transaction { tx in
            #expect(throws: PostgresError.self) { try tx.autocommit("SELECT 1") }
        }
        #expect(try connection.autocommit("SELECT 2 AS n").first?.int("n") == 2)
    }
}
