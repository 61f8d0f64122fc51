import Foundation
import GRDB
import Logging

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlTime

/// Collects log lines so tests can read what a job logged.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

struct CapturingLogHandler: LogHandler {
    let sink: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        sink.append("\(event.level) \(event.message)")
    }
}

func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad test instant \(text)") }
    return date
}

/// A fresh arcade database in a temporary directory, with the schema, and helpers to fill it.
final class ArcadeFixture: @unchecked Sendable {
    let directory: URL
    let path: String
    let queue: DatabaseQueue
    let logs = LogLines()

    /// `prepare` creates the database (default: `ArcadeDatabase.initialize`, the schema of
    /// `jobctl arcade init`).
    init(prepare: ((String) throws -> Void)? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("arcade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("arcade.db").path
        if let prepare {
            try prepare(path)
        } else {
            _ = try ArcadeDatabase.initialize(path: path)
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: config)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func context(now: String, tz: String = "UTC") -> JobContext {
        let date = instant(now)
        let sink = logs
        return JobContext(
            appDatabasePath: path, logger: Logger(label: "test") { _ in CapturingLogHandler(sink: sink) },
            zone: ZoneRules(identifier: tz) ?? ConfigReader.utc, scheduledAt: nil, now: { date })
    }

    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try queue.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    func int(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1 }
    }

    func strings(_ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
    }

    func session(
        _ id: String, game: String = "snake", player: String = ArcadeFixture.player(1), status: String = "completed",
        amount: Int64 = 10_000, score: Int64? = 100, created: String, completed: String? = nil
    ) throws {
        try execute(
            "INSERT INTO game_sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                id, game, player, status, amount, status == "completed" ? score : nil, created,
                status == "completed" ? (completed ?? created) : nil,
            ])
    }

    @discardableResult
    func entry(
        id: Int64? = nil, session: String, game: String = "snake", player: String = ArcadeFixture.player(1),
        score: Int64, period: String = "daily", date: String, created: String
    ) throws -> Int64 {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO leaderboard_entries
                      (id, session_id, game_type, player_address, score, period_type, period_date, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, session, game, player, score, period, date, created])
            return db.lastInsertedRowID
        }
    }

    /// An entry whose session exists and is completed, as the arcade writes them: eligible
    /// to win (given a well-formed address and a score ≥ 0).
    @discardableResult
    func eligibleEntry(
        id: Int64? = nil, session: String, game: String = "snake", player: String = ArcadeFixture.player(1),
        score: Int64, period: String = "daily", date: String, created: String
    ) throws -> Int64 {
        try execute(
            """
            INSERT OR IGNORE INTO game_sessions VALUES (?, ?, ?, 'completed', 10000, ?, ?, ?)
            """,
            [session, game, player, score, created, created])
        return try entry(
            id: id, session: session, game: game, player: player, score: score, period: period, date: date,
            created: created)
    }

    @discardableResult
    func pool(game: String = "snake", period: String = "daily", date: String, total: Int64 = 12_500_000) throws -> Int64
    {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO prize_pools (game_type, period_type, period_date, total_amount, status)
                    VALUES (?, ?, ?, ?, 'active')
                    """,
                arguments: [game, period, date, total])
            return db.lastInsertedRowID
        }
    }

    /// `0x` + 40 hex digits, distinct per n.
    static func player(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "0x" + String(repeating: "0", count: 40 - hex.count) + hex
    }
}
