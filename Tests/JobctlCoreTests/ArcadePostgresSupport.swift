import Foundation
import GRDB
import JobctlPostgres
import JobctlStore
import JobctlTime
import Logging

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlRunning

/// A fresh database of the suite's cluster for an arcade on PostgreSQL, its URL (APP_DB), and
/// independent SQL on it.
final class ArcadePostgresFixture: @unchecked Sendable {
    let name: String
    let url: String
    let connection: PostgresConnection
    let logs = LogLines()

    init() throws {
        name = "a_" + UUID().uuidString.prefix(8).lowercased()
        let configuration = try PostgresTestDatabase.create(name)
        url = configuration.url.description
        connection = try PostgresConnection(configuration)
    }

    deinit { connection.close() }

    func context(now: Date, fence: RunFence? = nil) -> JobContext {
        let sink = logs
        var context = JobContext(
            appDatabasePath: url, logger: Logger(label: "test") { _ in CapturingLogHandler(sink: sink) },
            zone: ConfigReader.utc, scheduledAt: nil, now: { now })
        context.fence = fence
        return context
    }

    func int(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> Int64 {
        try connection.query(sql, parameters).first?.int64("n") ?? -1
    }

    /// Every row of `table` in id order, each as its columns' text joined with `|`.
    func dump(_ table: String) throws -> [String] {
        let columns = ArcadeSchema.columns.first { $0.table == table }?.columns ?? []
        return try connection.query("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY id").map { row in
            try columns.map { try row.string($0) ?? "NULL" }.joined(separator: "|")
        }
    }

    /// The same dump of a SQLite arcade database.
    static func dump(_ table: String, sqlite queue: DatabaseQueue) throws -> [String] {
        let columns = ArcadeSchema.columns.first { $0.table == table }?.columns ?? []
        return try queue.read { db in
            let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY id"
            return try Row.fetchAll(db, sql: sql).map { row in
                columns.indices.map { index -> String in
                    let value = row.stored(index)
                    if let integer = value.exactInteger { return String(integer) }
                    return value.text ?? "NULL"
                }.joined(separator: "|")
            }
        }
    }
}
