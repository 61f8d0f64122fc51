import Foundation
import GRDB

/// Runs the real `jobctl` binary built by `swift build`.
enum ArcadeBinary {
    static let packageRoot = Binary.packageRoot
    static var path: String { Binary.path }

    typealias Output = Binary.Result

    static func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) { try Binary.start(arguments) }
    static func finish(_ started: (Process, Pipe, Pipe)) -> Output { Binary.finish(started) }
    static func run(_ arguments: [String]) throws -> Output { try Binary.run(arguments) }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-arcade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The report `_run-builtin` prints.
    struct Report: Decodable {
        struct Metrics: Decodable {
            var processed: Int
            var created: Int
            var updated: Int
            var skipped: Int
            var counters: [String: Int64]
        }
        var status: String
        var metrics: Metrics?
        var error: String?
    }

    static func report(_ output: Output) -> Report? {
        guard let line = output.stdout.split(separator: "\n").last else { return nil }
        return try? JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }

    /// Finalized pools whose winner or winning score is not the board's top eligible entry,
    /// written here independently of the product's `ArcadeBoard` (another form of docs/arcade.md's
    /// rules, with window functions): an entry may win when its session is completed, its
    /// score an INTEGER ≥ 0, its address `0x` + 40 hex digits, and it is the first entry of
    /// its session in its board; the best one has the highest score, then the earliest
    /// `created_at`, then the lowest id. A pool without one must have no winner.
    static let wrongWinnersSQL = """
        WITH numbered AS (
          SELECT e.*, ROW_NUMBER() OVER (
                   PARTITION BY e.game_type, e.period_type, e.period_date, e.session_id ORDER BY e.id) AS copy
          FROM leaderboard_entries e
        ),
        eligible AS (
          SELECT n.* FROM numbered n
          JOIN game_sessions s ON s.id = n.session_id AND s.status = 'completed'
          WHERE n.copy = 1 AND typeof(n.score) = 'integer' AND n.score >= 0
            AND typeof(n.player_address) = 'text' AND length(CAST(n.player_address AS BLOB)) = 42
            AND lower(n.player_address) GLOB '0x\(String(repeating: "[0-9a-f]", count: 40))'
        ),
        best AS MATERIALIZED (
          SELECT game_type, period_type, period_date, player_address, score FROM (
            SELECT *, ROW_NUMBER() OVER (
                     PARTITION BY game_type, period_type, period_date ORDER BY score DESC, created_at, id) AS place
            FROM eligible)
          WHERE place = 1
        )
        SELECT COUNT(*) FROM prize_pools p
        LEFT JOIN best b ON b.game_type = p.game_type AND b.period_type = p.period_type AND b.period_date = p.period_date
        WHERE p.status = 'finalized'
          AND (p.winner_address IS NOT b.player_address OR p.winning_score IS NOT b.score)
        """

    static func open(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: config)
    }
}
