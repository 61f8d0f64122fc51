import GRDB

/// One leaderboard board (a game, a period type and a date) checked against the anomaly
/// rules of docs/arcade.md: the one definition that both `leaderboard` (which reports anomalies)
/// and `prizepool` (which never pays a flagged entry) use.
///
/// Each rule is one SQL condition on an entry `e` and its session `s` (`Anomaly.condition`);
/// an entry is flagged when any holds. The winner is the top entry that is not flagged:
/// highest score, then earliest `created_at`, then lowest `id`, found by walking the board
/// index in that order and stopping at the first eligible entry (`winner`), so that
/// prizepool holds the write lock for a few lookups, not a scan of the board. Only INTEGER
/// scores can win: a TEXT score (which SQLite sorts above every number) is flagged.
///
/// Counting a whole board (`count`) evaluates the same conditions for every entry, except
/// `duplicate_session`, written there as `copy > 1` over `ROW_NUMBER() OVER (PARTITION BY
/// session_id ORDER BY id)`: the same entries (every copy after a session's first) without a
/// lookup per entry. That window also sorts the board by session, so the session lookups of
/// the join run in key order (measured on a million sessions: about twice as fast as in
/// ranking order).
public struct ArcadeBoard: Sendable, Equatable {
    /// The anomaly kinds, as named in metrics (`anomalies_missing_session`, …).
    public enum Anomaly: String, CaseIterable, Sendable {
        /// The entry's session does not exist.
        case missingSession = "missing_session"
        /// The session exists but its status is not `completed`.
        case sessionNotCompleted = "session_not_completed"
        /// An INTEGER score below 0.
        case negativeScore = "negative_score"
        /// Another entry of the same session, with a lower id, is in the same board: every
        /// extra entry is flagged; the first one is judged on its own.
        case duplicateSession = "duplicate_session"
        /// `player_address` is not TEXT `0x` followed by 40 hex digits (either case).
        case malformedAddress = "malformed_address"
        /// The score is not stored as INTEGER (TEXT, REAL, BLOB, NULL; SQLite keeps a number
        /// beyond Int64 as REAL).
        case malformedScore = "malformed_score"

        /// The SQL condition on an entry `e` LEFT JOINed to its session `s`.
        var condition: String {
            condition(counting: false)
        }

        /// The condition in `countSQL`, where `e` also has the window column `copy`.
        func condition(counting: Bool) -> String {
            switch self {
            case .missingSession: "s.id IS NULL"
            case .sessionNotCompleted: "s.id IS NOT NULL AND s.status IS NOT 'completed'"
            case .negativeScore: "typeof(e.score) = 'integer' AND e.score < 0"
            case .duplicateSession where counting: "e.copy > 1"
            case .duplicateSession:
                """
                EXISTS (SELECT 1 FROM leaderboard_entries d
                        WHERE d.session_id = e.session_id AND d.game_type = e.game_type
                          AND d.period_type = e.period_type AND d.period_date = e.period_date AND d.id < e.id)
                """
            case .malformedAddress:
                "NOT (typeof(e.player_address) = 'text' AND length(CAST(e.player_address AS BLOB)) = 42 "
                    + "AND e.player_address GLOB '0x\(String(repeating: "[0-9a-fA-F]", count: 40))')"
            case .malformedScore: "typeof(e.score) IS NOT 'integer'"
            }
        }
    }

    /// The winner of a board: an entry that is not flagged and ranks first.
    public struct Winner: Sendable, Equatable {
        public var entryID: Int64
        public var address: String
        public var score: Int64
    }

    /// Entries in the board (`count`), or entries looked at before the winner (`winner`).
    public var entries: Int64 = 0
    /// Entries per anomaly kind (an entry with two kinds counts in both); kinds with 0 absent.
    public var anomalies: [Anomaly: Int64] = [:]
    /// Flagged entries among `entries` (`winner` only; `count` leaves 0).
    public var flagged: Int64 = 0
    /// The top eligible entry (`winner` only).
    public var winner: Winner?

    /// The total of `anomalies`.
    public var anomalyCount: Int64 { anomalies.values.reduce(0, +) }

    /// `missing_session=2, negative_score=1`, in `Anomaly` order.
    public var anomalySummary: String {
        Anomaly.allCases.compactMap { kind in anomalies[kind].map { "\(kind.rawValue)=\($0)" } }
            .joined(separator: ", ")
    }

    static let boardSQL = """
        FROM leaderboard_entries e LEFT JOIN game_sessions s ON s.id = e.session_id
        WHERE e.game_type = :game AND e.period_type = :period AND e.period_date = :date
        """

    static let countSQL = """
        WITH board AS (
          SELECT e.id, e.session_id, e.player_address, e.score,
                 ROW_NUMBER() OVER (PARTITION BY e.session_id ORDER BY e.id) AS copy
          FROM leaderboard_entries e
          WHERE e.game_type = :game AND e.period_type = :period AND e.period_date = :date
        )
        SELECT COUNT(*) AS entries, \(Anomaly.allCases.map {
            "COALESCE(SUM(\($0.condition(counting: true))), 0) AS \($0.rawValue)"
        }.joined(separator: ", "))
        FROM board e LEFT JOIN game_sessions s ON s.id = e.session_id
        """

    /// The entries in ranking order, each with one 0/1 column per anomaly kind.
    static let walkSQL = """
        SELECT e.id, e.player_address, e.score, \(Anomaly.allCases.map { "(\($0.condition)) AS \($0.rawValue)" }
            .joined(separator: ", "))
        \(boardSQL)
        ORDER BY e.score DESC, e.created_at, e.id
        """

    /// Counts the entries and anomalies of one whole board (leaderboard's check).
    static func count(_ db: Database, game: String, period: String, date: String) throws -> ArcadeBoard {
        var board = ArcadeBoard()
        guard let row = try Row.fetchOne(db, sql: countSQL, arguments: ["game": game, "period": period, "date": date])
        else { return board }
        board.entries = row.sqlCount("entries")
        for kind in Anomaly.allCases {
            let count = row.sqlCount(kind.rawValue)
            if count > 0 { board.anomalies[kind] = count }
        }
        return board
    }

    /// Walks the board in ranking order to its first eligible entry; `entries`, `flagged` and
    /// `anomalies` describe the entries passed over (all of them when there is no winner).
    static func winner(_ db: Database, game: String, period: String, date: String) throws -> ArcadeBoard {
        var board = ArcadeBoard()
        let rows = try Row.fetchCursor(db, sql: walkSQL, arguments: ["game": game, "period": period, "date": date])
        while let row = try rows.next() {
            board.entries += 1
            let kinds = Anomaly.allCases.filter { row.sqlCount($0.rawValue) != 0 }
            // The SQL conditions already guarantee these types; checked again, never forced.
            if kinds.isEmpty, let id = row.stored(0).exactInteger, let address = row.stored(1).text,
                isWellFormedAddress(address), let score = row.stored(2).exactInteger
            {
                board.winner = Winner(entryID: id, address: address, score: score)
                return board
            }
            board.flagged += 1
            for kind in kinds { board.anomalies[kind, default: 0] += 1 }
        }
        return board
    }

    /// `0x` followed by 40 hex digits, either case: the rule of `Anomaly.malformedAddress`.
    public static func isWellFormedAddress(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count == 42, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") else { return false }
        let ranges = [
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"),
        ]
        return bytes.dropFirst(2).allSatisfy { byte in ranges.contains { $0.contains(byte) } }
    }
}
