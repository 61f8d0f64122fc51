import Foundation
import JobctlPostgres
import Testing

/// Against a real throw-away cluster (one for the suite). Serialized: one test restarts the
/// server, and the others would see it.
@Suite("PostgresConnection", .postgresCluster, .serialized)
struct PostgresConnectionTests {
    static func configuration(_ query: String = "") throws -> PostgresConfiguration {
        try PostgresConfiguration(PostgresTestCluster.require().url + query)
    }

    @Test func connectsByURLAndReadsTheDatabaseClock() async throws {
        let connection = try await PostgresAsyncConnection.connect(Self.configuration())
        let rows = try await connection.query(
            """
            SELECT now() AS now, (extract(epoch FROM now()) * 1000000)::bigint AS micros,
                   current_user AS who, current_setting('application_name') AS app
            """)
        let row = try #require(rows.first)
        let micros = try #require(try row.epochMicroseconds("now"))
        #expect(micros == (try row.int64("micros")))
        #expect(try row.string("who") == "postgres")
        #expect(try row.string("app") == "jobctl")
        let date = try #require(try row.date("now"))
        #expect(abs(date.timeIntervalSince1970 * 1_000_000 - Double(micros)) < 1)
    }

    @Test func timestampParametersRoundTripToTheMicrosecond() throws {
        let connection = try PostgresConnection(Self.configuration())
        for micros: Int64 in [0, 1_772_953_200_123_456, -1, 4_102_444_800_000_001] {
            let rows = try connection.query("SELECT $1::timestamptz AS t", [.timestamp(microsecondsSinceEpoch: micros)])
            #expect(try rows.first?.epochMicroseconds("t") == micros)
        }
    }

    @Test func parametersRoundTripNullUnicodeAndQuotesWithoutInjection() throws {
        let connection = try PostgresConnection(Self.configuration())
        try connection.execute("CREATE TEMP TABLE player (id bigint PRIMARY KEY, name text, note text, vip boolean)")
        let names = [
            "Robert'); DROP TABLE player; --",
            "Zoë 🎮 日本語 \"quoted\" \\ back'slash",
            "$1 ; SELECT 1",
        ]
        for (i, name) in names.enumerated() {
            let inserted = try connection.execute(
                "INSERT INTO player (id, name, note, vip) VALUES ($1, $2, $3, $4)",
                [.int(i), .text(name), i == 0 ? nil : .text("note \(i)"), .bool(i == 1)])
            #expect(inserted == 1)
        }
        let rows = try connection.query("SELECT id, name, note, vip FROM player ORDER BY id")
        #expect(try rows.map { try $0.string("name") } == names)
        #expect(try rows[0].isNull("note"))
        #expect(try rows[1].string("note") == "note 1")
        #expect(try rows.map { try $0.bool("vip") } == [false, true, false])
        let byName = try connection.query("SELECT id FROM player WHERE name = $1", [.text(names[0])])
        #expect(try byName.first?.int64("id") == 0)
    }

    @Test func nulInAParameterIsRefusedNotTruncated() throws {
        let connection = try PostgresConnection(Self.configuration())
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT $1::text AS t", [.text("abc\u{0}def")])
        }
        #expect(error.kind == .usage)
        #expect(connection.isAlive())
    }

    @Test func uniqueViolationIsDetectedBySQLState() throws {
        let connection = try PostgresConnection(Self.configuration())
        try connection.execute("CREATE TEMP TABLE claim (job text, fire timestamptz, PRIMARY KEY (job, fire))")
        let fire = PostgresValue.timestamp(microsecondsSinceEpoch: 1_772_953_200_000_000)
        try connection.execute("INSERT INTO claim VALUES ($1, $2)", ["payout", fire])
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("INSERT INTO claim VALUES ($1, $2)", ["payout", fire])
        }
        #expect(error.isUniqueViolation)
        #expect(error.sqlState == "23505")
        #expect(!error.isConnectionLoss)
        let again = try connection.execute(
            "INSERT INTO claim VALUES ($1, $2) ON CONFLICT DO NOTHING", ["payout", fire])
        #expect(again == 0)
    }

    @Test func statementTimeoutCancelsALongQuery() throws {
        let connection = try PostgresConnection(Self.configuration("?statement_timeout=200"))
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT pg_sleep(5)") }
        #expect(error.isQueryCanceled)
        #expect(connection.isAlive())
    }

    @Test func frozenServerDoesNotHangTheClient() throws {
        let connection = try PostgresConnection(Self.configuration())
        let pid = try #require(try connection.query("SELECT pg_backend_pid() AS pid").first?.int("pid"))
        connection.timeouts.statement = .milliseconds(200)
        connection.timeouts.clientGrace = .milliseconds(300)
        #expect(kill(pid_t(pid), SIGSTOP) == 0)
        defer { kill(pid_t(pid), SIGCONT) }
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(error.kind == .clientTimeout)
        #expect(error.isConnectionLoss)
        #expect(!connection.isConnected)
        try connection.reset()
        #expect(connection.isAlive())
    }

    @Test func terminatedBackendIsDetectedAndResetReconnects() throws {
        let victim = try PostgresConnection(Self.configuration())
        let other = try PostgresConnection(Self.configuration())
        let pid = try #require(try victim.query("SELECT pg_backend_pid() AS pid").first?.int64("pid"))
        #expect(try other.query("SELECT pg_terminate_backend($1::int) AS ok", [.int64(pid)]).first?.bool("ok") == true)
        let error = try #require(throws: PostgresError.self) { try victim.query("SELECT 1") }
        #expect(error.isConnectionLoss)
        #expect(!victim.isConnected)
        #expect(throws: PostgresError.self) { try victim.query("SELECT 1") }
        try victim.reset()
        #expect(try victim.query("SELECT 2 AS n").first?.int("n") == 2)
    }

    @Test func serverRestartIsAConnectionLossAndResetReconnects() async throws {
        let connection = try await PostgresAsyncConnection.connect(Self.configuration())
        try PostgresTestCluster.require().restart()
        let error = try await #require(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error.isConnectionLoss)
        try await connection.reset()
        #expect(try await connection.query("SELECT 3 AS n").first?.int("n") == 3)
    }

    @Test func connectionRefusedIsOneLine() throws {
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(PostgresConfiguration("postgresql://postgres@127.0.0.1:1/postgres"))
        }
        #expect(error.kind == .connection)
        #expect(!error.message.contains("\n"))
        #expect(error.message.contains("postgresql://postgres@127.0.0.1:1/postgres"))
    }

    @Test func passwordFileOfMode0600IsAcceptedForARealConnection() throws {
        let path = try PostgresPasswordFileTests.passwordFile("unused-with-trust\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let url = try PostgresTestCluster.require().url
        let connection = try PostgresConnection(PostgresConfiguration(url, passwordFile: path))
        #expect(connection.isAlive())
    }
}
