import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlPostgresStore
import JobctlReports
import JobctlTime

@testable import JobctlStore

/// Throw-away databases in the suite's cluster (`PostgresTestCluster`, shared by the whole
/// conformance suite): one per test, named after the test's temp directory, dropped with the
/// cluster when the suite ends.
enum PostgresTestDatabase {
    /// The database of a temp directory: its UUID, as a valid lower-case identifier.
    static func name(for directory: String) -> String {
        let last = (directory as NSString).lastPathComponent.lowercased()
        return "t_" + String(last.map { $0.isLetter || $0.isNumber ? $0 : "_" }.suffix(50))
    }

    /// The configuration of the cluster's database `name`.
    static func configuration(_ name: String) throws -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(try PostgresTestCluster.require().url)
        configuration.url.database = name
        return configuration
    }

    /// Creates the database (empty: the store migrates it) and returns its configuration.
    static func create(_ name: String) throws -> PostgresConfiguration {
        let admin = try PostgresConnection(try PostgresConfiguration(try PostgresTestCluster.require().url))
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name) STRATEGY FILE_COPY")
        return try configuration(name)
    }

    /// A store of a fresh node on the database (`.caller` times unless told).
    static func store(
        _ name: String, lease: Duration = PostgresStateStore.defaultLease,
        times: PostgresStateStore.RecordedTimes = .caller
    ) throws -> PostgresStateStore {
        try PostgresStateStore(configuration: configuration(name), lease: lease, recordedTimes: times)
    }

    /// A plain connection to the database, for what only SQL can check.
    static func connection(_ name: String) throws -> PostgresConnection {
        try PostgresConnection(configuration(name))
    }
}

extension StoreFactory {
    /// PostgreSQL: a database per test; `connect` is another node on it. Recorded instants
    /// are the caller's (`.caller`), so that the suite's expectations about durations and
    /// windows hold on both stores; `.database` times have tests of their own.
    static let postgres = StoreFactory(
        name: "PostgreSQL",
        make: { directory in
            let name = PostgresTestDatabase.name(for: directory)
            _ = try PostgresTestDatabase.create(name)
            return try PostgresTestDatabase.store(name)
        },
        connect: { try PostgresTestDatabase.store(PostgresTestDatabase.name(for: $0)) },
        leases: true)
}
