import Foundation
import GRDB
import Logging

/// `leaderboard`: validates the current boards of every game.
///
/// Boards: today's daily, this week's weekly (dated by its Monday) and alltime, dates in the
/// job's zone; games: the five arcade games plus any other game that has entries. Each
/// board is read in one snapshot (a WAL read: it never blocks the arcade) with the ranking
/// query — `ROW_NUMBER() OVER (ORDER BY score DESC, created_at, id)`, the order prizepool
/// uses — and checked for:
/// - `missing_session`: the entry's session does not exist;
/// - `session_not_completed`: the session exists but is not `completed`;
/// - `negative_score`;
/// - `duplicate_session`: one session entered more than once in the board (each extra entry
///   counts once).
///
/// Anomalies are reported (warnings and counters), never fixed. The run fails when no board
/// can be read, or when `fail_on_anomalies=true` and there are anomalies; it is partial when
/// some boards could not be read.
public struct LeaderboardJob: BuiltinJob {
    public static let name = "leaderboard"
    public static let summary = "validates today's, this week's and the alltime leaderboards"
    public static let options: [JobOptionSpec] = [
        JobOptionSpec("fail_on_anomalies", .boolean, help: "fail the run when any anomaly is found (default false)")
    ]

    public var failOnAnomalies: Bool

    public init(options: [String: JobOptionValue]) {
        failOnAnomalies = options.boolean("fail_on_anomalies", default: false)
    }

    public init(failOnAnomalies: Bool = false) {
        self.failOnAnomalies = failOnAnomalies
    }

    static let anomalyKinds = ["missing_session", "session_not_completed", "negative_score", "duplicate_session"]

    struct BoardCheck: Sendable {
        var entries: Int64 = 0
        var ranked: Int64 = 0
        var anomalies: [String: Int64] = [:]
        var topPlayer: String?
        var topScore: Int64?
    }

    /// The ranking query and the checks of one board, in one statement. (Measured on a
    /// million sessions: the per-session window first, then the ranking, runs about a third
    /// faster than the other way round.)
    static let boardSQL = """
        WITH ranked AS (
          SELECT e.id, e.session_id, e.player_address, e.score,
                 ROW_NUMBER() OVER (PARTITION BY e.session_id ORDER BY e.id) AS copy,
                 ROW_NUMBER() OVER (ORDER BY e.score DESC, e.created_at, e.id) AS rank
          FROM leaderboard_entries e
          WHERE e.game_type = :game AND e.period_type = :period AND e.period_date = :date
        )
        SELECT COUNT(*) AS entries,
               COALESCE(MAX(r.rank), 0) AS ranked,
               COALESCE(SUM(s.id IS NULL), 0) AS missing_session,
               COALESCE(SUM(s.id IS NOT NULL AND s.status <> 'completed'), 0) AS session_not_completed,
               COALESCE(SUM(r.score < 0), 0) AS negative_score,
               COALESCE(SUM(r.copy > 1), 0) AS duplicate_session,
               MAX(CASE WHEN r.rank = 1 THEN r.player_address END) AS top_player,
               MAX(CASE WHEN r.rank = 1 THEN r.score END) AS top_score
        FROM ranked r LEFT JOIN game_sessions s ON s.id = r.session_id
        """

    public func run(_ context: JobContext) async throws -> JobResult {
        let started = context.now()
        let logger = context.logger
        let database = try ArcadeDatabase.open(context, job: Self.name)
        let today = ArcadeTime.localDay(of: started, in: context.timeZone)
        let periods: [(type: String, date: String)] = [
            ("daily", ArcadeTime.dateString(day: today)),
            ("weekly", ArcadeTime.dateString(day: ArcadeTime.monday(onOrBefore: today))),
            ("alltime", "alltime"),
        ]
        logger.info(
            "leaderboard: start — checking daily \(periods[0].date), weekly \(periods[1].date) and alltime boards (\(context.timeZone.identifier))"
        )

        var games = ArcadeSchema.games
        // Every game with any entry: a skip-scan of the board index, one seek per game.
        let others: [String] = try database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE game(name) AS (
                      SELECT MIN(game_type) FROM leaderboard_entries
                      UNION ALL
                      SELECT (SELECT MIN(game_type) FROM leaderboard_entries WHERE game_type > game.name)
                      FROM game WHERE game.name IS NOT NULL)
                    SELECT name FROM game WHERE name IS NOT NULL
                    """)
        }
        for game in others.sorted() where !games.contains(game) { games.append(game) }

        var metrics = JobMetrics()
        metrics[counter: "boards_checked"] = 0
        metrics[counter: "entries_validated"] = 0
        metrics[counter: "anomalies"] = 0
        for kind in Self.anomalyKinds { metrics[counter: "anomalies_\(kind)"] = 0 }
        var failures: [String] = []

        for game in games {
            for period in periods {
                try context.checkCancellation()
                let check: BoardCheck
                do {
                    check = try database.read { db in try Self.check(db, game: game, period: period.type, date: period.date) }
                } catch {
                    failures.append("\(game) \(period.type) \(period.date): \(error)")
                    logger.error("leaderboard: cannot read \(game) \(period.type) \(period.date): \(error)")
                    continue
                }
                metrics[counter: "boards_checked"] += 1
                metrics[counter: "entries_validated"] += check.entries
                metrics.processed += Int(check.entries)
                let total = check.anomalies.values.reduce(0, +)
                metrics[counter: "anomalies"] += total
                for (kind, count) in check.anomalies { metrics[counter: "anomalies_\(kind)"] += count }
                let top = check.topPlayer.map { "top \(shortAddress($0)) with \(check.topScore ?? 0)" } ?? "empty"
                if total > 0 {
                    let kinds = Self.anomalyKinds.compactMap { kind in
                        (check.anomalies[kind] ?? 0) > 0 ? "\(kind)=\(check.anomalies[kind] ?? 0)" : nil
                    }
                    logger.warning(
                        "leaderboard: \(game) \(period.type) \(period.date): \(check.entries) entries, \(total) anomalies (\(kinds.joined(separator: ", "))), \(top)"
                    )
                } else {
                    logger.debug("leaderboard: \(game) \(period.type) \(period.date): \(check.entries) entries, ok, \(top)")
                }
            }
        }

        let elapsed = Int((context.now().timeIntervalSince(started) * 1000).rounded())
        let anomalies = metrics[counter: "anomalies"]
        logger.info(
            "leaderboard: done — \(metrics[counter: "boards_checked"]) boards, \(metrics[counter: "entries_validated"]) entries, \(anomalies) anomalies, \(failures.count) unreadable, in \(elapsed) ms"
        )
        if metrics[counter: "boards_checked"] == 0 && !failures.isEmpty {
            throw JobFailure("leaderboard: no board could be read: " + failures.joined(separator: "; "), metrics: metrics)
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
            return JobResult(metrics: metrics, partialFailure: "leaderboard: unreadable boards: " + failures.joined(separator: "; "))
        }
        return JobResult(metrics: metrics)
    }

    static func check(_ db: Database, game: String, period: String, date: String) throws -> BoardCheck {
        guard
            let row = try Row.fetchOne(
                db, sql: boardSQL, arguments: ["game": game, "period": period, "date": date])
        else { return BoardCheck() }
        var check = BoardCheck()
        check.entries = row["entries"]
        check.ranked = row["ranked"]
        for kind in anomalyKinds {
            let count: Int64 = row[kind]
            if count > 0 { check.anomalies[kind] = count }
        }
        check.topPlayer = row["top_player"]
        check.topScore = row["top_score"]
        return check
    }
}
