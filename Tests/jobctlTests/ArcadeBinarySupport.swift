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

    /// The entries that may win, written here independently of the product's
    /// `ArcadeBoard` (another form of ARCADE.md's rules): a completed session, an INTEGER
    /// score ≥ 0, `0x` + 40 hex digits, and the first entry of its session in its board.
    static let eligibleEntriesCTE = """
        WITH eligible AS (
          SELECT e.* FROM leaderboard_entries e
          JOIN game_sessions s ON s.id = e.session_id AND s.status = 'completed'
          WHERE typeof(e.score) = 'integer' AND e.score >= 0
            AND typeof(e.player_address) = 'text' AND length(CAST(e.player_address AS BLOB)) = 42
            AND lower(e.player_address) GLOB '0x\(String(repeating: "[0-9a-f]", count: 40))'
            AND e.id = (SELECT MIN(d.id) FROM leaderboard_entries d
                        WHERE d.session_id = e.session_id AND d.game_type = e.game_type
                          AND d.period_type = e.period_type AND d.period_date = e.period_date)
        )
        """

    /// Finalized pools whose winner is not the board's top eligible entry (an eligible entry
    /// that no other eligible entry beats), or whose winning score is not its best score.
    static let wrongWinnersSQL = """
        \(eligibleEntriesCTE)
        SELECT COUNT(*) FROM prize_pools p
        WHERE p.status = 'finalized' AND (p.winner_address IS NOT (
            SELECT e.player_address FROM eligible e
            WHERE e.game_type = p.game_type AND e.period_type = p.period_type AND e.period_date = p.period_date
              AND NOT EXISTS (
                SELECT 1 FROM eligible b
                WHERE b.game_type = e.game_type AND b.period_type = e.period_type AND b.period_date = e.period_date
                  AND (b.score > e.score
                    OR (b.score = e.score AND b.created_at < e.created_at)
                    OR (b.score = e.score AND b.created_at = e.created_at AND b.id < e.id))))
          OR p.winning_score IS NOT (
            SELECT MAX(score) FROM eligible e
            WHERE e.game_type = p.game_type AND e.period_type = p.period_type AND e.period_date = p.period_date))
        """

    static func open(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: config)
    }
}
