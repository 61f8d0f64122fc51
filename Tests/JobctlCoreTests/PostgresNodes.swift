import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlPostgresStore
import JobctlReports
import JobctlTime
import Testing

@testable import JobctlStore

/// A database of the suite's cluster and the "nodes" (stores) of a PostgreSQL-only test.
///
/// The cluster is looked up once, here: the suite's task-local cluster is not visible from
/// the threads a test starts.
struct PostgresNodes: Sendable {
    let database: String
    let configuration: PostgresConfiguration

    /// A fresh database named after the test.
    init(_ test: String = #function) throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let base = test.prefix { $0 != "(" }.lowercased().prefix(40)
        database = "n_\(base)_\(suffix)"
        configuration = try PostgresTestDatabase.create(database)
    }

    /// Another node on the database.
    func node(
        lease: Duration = PostgresStateStore.defaultLease, times: PostgresStateStore.RecordedTimes = .caller
    ) throws -> PostgresStateStore {
        try PostgresStateStore(configuration: configuration, lease: lease, recordedTimes: times)
    }

    func sql() throws -> PostgresConnection { try PostgresConnection(configuration) }

    /// One value of one row.
    func value(_ query: String, _ parameters: [PostgresValue?] = []) throws -> String? {
        let connection = try sql()
        defer { connection.close() }
        guard let row = try connection.query(query, parameters).first, let column = row.columns.first else {
            return nil
        }
        return try row.string(column)
    }

    func rowCount() throws -> Int { Int(try value("SELECT count(*) FROM jobctl_execution") ?? "") ?? -1 }

    /// The database's clock.
    func now() throws -> Date {
        let ms = try value("SELECT jobctl_ms(now())").flatMap { Int64($0) }
        return HistoryTime.date(milliseconds: try #require(ms))
    }

    /// Waits (hang guard: 20 s) until the run's lease has expired by the database's clock.
    func waitForExpiredLease(_ claim: RunClaim) throws {
        let deadline = Date().addingTimeInterval(20)
        let expired = "SELECT lease_until < now() FROM jobctl_execution WHERE id = $1"
        while try value(expired, [.int64(claim.runID)]) != "t" {
            guard Date() < deadline else { throw ClusterError("the lease did not expire within 20 s") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Waits (hang guard: 20 s) until a session of the database waits for a lock.
    func waitForALockWaiter() throws {
        let deadline = Date().addingTimeInterval(20)
        while try value(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            == "0"
        {
            guard Date() < deadline else { throw ClusterError("no session waited for a lock within 20 s") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    static func start(
        _ job: String, fire: Date?, attempt: Int = 1, trigger: TriggerKind = .schedule, at startedAt: Date? = nil
    ) -> ExecutionStart {
        ConformanceFixture.start(job, fire: fire, at: startedAt, attempt: attempt, trigger: trigger)
    }
}
