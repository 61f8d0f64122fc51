import Foundation
import GRDB
import JobctlConfig
import JobctlRunning
import JobctlStore
import Logging

/// `leaderboard`: validates the current boards of every game.
///
/// Boards: today's daily, this week's weekly (dated by its Monday) and alltime, dates in the
/// job's zone; games: the five arcade games plus any other game that has entries. Each
/// board is read in one snapshot (a WAL read: it never blocks the arcade) and checked with
/// `ArcadeBoard`, the anomaly rules that `prizepool` also uses to refuse flagged winners:
/// `missing_session`, `session_not_completed`, `negative_score`, `duplicate_session` (each
/// extra entry of a session counts once), `malformed_address` and `malformed_score` (a score
/// not stored as INTEGER; only INTEGER scores are ranked). The log names each board's top
/// eligible entry: the one prizepool would pay.
///
/// Anomalies are reported (warnings and counters), never fixed. The run fails when no board
/// can be read, or when `fail_on_anomalies=true` and there are anomalies; it is partial when
/// some boards could not be read, or when some entries have a `game_type` that is not text
/// (their boards cannot be named, so they are not checked).
public struct LeaderboardJob: BuiltinJob {
    public static let name = "leaderboard"
    public static let summary = "validates today's, this week's and the alltime leaderboards"
    public static let options: [JobOptionSpec] = [
        JobOptionSpec("fail_on_anomalies", .boolean)
    ]

    public var failOnAnomalies: Bool

    public init(options: [String: JobOptionValue]) {
        failOnAnomalies = options.boolean("fail_on_anomalies", default: false)
    }

    public init(failOnAnomalies: Bool = false) {
        self.failOnAnomalies = failOnAnomalies
    }

    static let anomalyKinds = ArcadeBoard.Anomaly.allCases.map(\.rawValue)

    public func run(_ context: JobContext) async throws -> JobResult {
        let started = context.now()
        let logger = context.logger
        let database: any LeaderboardDatabase = try ArcadeJobDatabases.open(context, job: Self.name)
        let today = ArcadeTime.localDay(of: started, in: context.zone)
        let periods: [(type: String, date: String)] = [
            ("daily", ArcadeTime.dateString(day: today)),
            ("weekly", ArcadeTime.dateString(day: ArcadeTime.monday(onOrBefore: today))),
            ("alltime", "alltime"),
        ]
        logger.info(
            "leaderboard: start — checking daily \(periods[0].date), weekly \(periods[1].date) and alltime boards (\(context.zone.identifier))"
        )
        let (games, unnamed) = try database.games()
        var metrics = JobMetrics()
        for name in ["boards_checked", "entries_validated", "anomalies"] { metrics[counter: name] = 0 }
        for kind in Self.anomalyKinds { metrics[counter: "anomalies_\(kind)"] = 0 }
        var failures: [String] = unnamed.map { "entries with game_type \($0) are not checked: game_type is not text" }
        for failure in failures { logger.error("leaderboard: \(failure)") }

        for game in games {
            for period in periods {
                try context.checkCancellation()
                let label = "\(game.escapedForMessage(limit: 40)) \(period.type) \(period.date)"
                do {
                    let (board, top) = try database.board(game: game, period: period.type, date: period.date)
                    Self.record(board, top: top, label: label, into: &metrics, logger: logger)
                } catch {
                    failures.append("\(label): \(error)")
                    logger.error("leaderboard: cannot read \(label): \(error)")
                }
            }
        }
        let elapsed = context.now().milliseconds(since: started)
        let done =
            "leaderboard: done — \(metrics[counter: "boards_checked"]) boards, "
            + "\(metrics[counter: "entries_validated"]) entries, \(metrics[counter: "anomalies"]) anomalies, "
            + "\(failures.count) unreadable, in \(elapsed) ms"
        logger.info("\(done)")
        return try result(metrics: metrics, failures: failures)
    }

    /// The five arcade games, then every other game with entries (a skip-scan of the board
    /// index, one seek per game); and the `game_type`s that are not text, described.
    static func games(_ db: Database) throws -> (games: [String], unnamed: [String]) {
        let found = try Row.fetchAll(db, sql: gamesSQL).map { $0.stored(0) }
        let unnamed = found.filter { $0.text == nil }.map(\.storedDescription)
        return (withKnownGames(found.compactMap(\.text)), unnamed)
    }

    /// The distinct `game_type`s by a skip-scan of the board index, one seek per game (the same
    /// text on SQLite and PostgreSQL).
    static let gamesSQL = """
        WITH RECURSIVE game(name) AS (
          SELECT MIN(game_type) FROM leaderboard_entries
          UNION ALL
          SELECT (SELECT MIN(game_type) FROM leaderboard_entries WHERE game_type > game.name)
          FROM game WHERE game.name IS NOT NULL)
        SELECT name FROM game WHERE name IS NOT NULL
        """

    /// The arcade's known games first, then the others found, sorted.
    static func withKnownGames(_ found: [String]) -> [String] {
        var games = ArcadeSchema.games
        for name in found.sorted() where !games.contains(name) { games.append(name) }
        return games
    }

    static func record(
        _ board: ArcadeBoard, top: ArcadeBoard.Winner?, label: String, into metrics: inout JobMetrics, logger: Logger
    ) {
        metrics[counter: "boards_checked"] += 1
        metrics[counter: "entries_validated"] += board.entries
        metrics.processed += Int(board.entries)
        let total = board.anomalyCount
        metrics[counter: "anomalies"] += total
        for (kind, count) in board.anomalies { metrics[counter: "anomalies_\(kind.rawValue)"] += count }
        let leader = top.map { "top eligible \(shortAddress($0.address)) with \($0.score)" } ?? "no eligible entry"
        if total > 0 {
            let kinds = board.anomalySummary
            logger.warning("leaderboard: \(label): \(board.entries) entries, \(total) anomalies (\(kinds)), \(leader)")
        } else {
            logger.debug("leaderboard: \(label): \(board.entries) entries, ok, \(leader)")
        }
    }

    func result(metrics: JobMetrics, failures: [String]) throws -> JobResult {
        let anomalies = metrics[counter: "anomalies"]
        if metrics[counter: "boards_checked"] == 0 && !failures.isEmpty {
            throw JobFailure(
                "leaderboard: no board could be read: " + failures.joined(separator: "; "), metrics: metrics)
        }
        if failOnAnomalies && anomalies > 0 {
            let kinds = Self.anomalyKinds.compactMap { kind in
                metrics[counter: "anomalies_\(kind)"] > 0 ? "\(kind)=\(metrics[counter: "anomalies_\(kind)"])" : nil
            }
            throw JobFailure(
                "leaderboard: \(anomalies) anomalies (\(kinds.joined(separator: ", "))) and fail_on_anomalies=true",
                metrics: metrics)
        }
        if !failures.isEmpty {
            return JobResult(
                metrics: metrics, partialFailure: "leaderboard: unreadable boards: " + failures.joined(separator: "; "))
        }
        return JobResult(metrics: metrics)
    }
}
