import GRDB

/// One leaderboard board (a game, a period type and a date) checked against the anomaly
/// rules of ARCADE.md, with its winner: the one definition that both `leaderboard` (which
/// reports the anomalies) and `prizepool` (which never pays a flagged entry) use.
///
/// An entry is flagged when it has any of `Anomaly`'s kinds. The winner is the top entry
/// that is not flagged: highest score, then earliest `created_at`, then lowest `id`. Only
/// INTEGER scores are ranked, so a TEXT score (which SQLite sorts above every number) can
/// never come first.
public struct ArcadeBoard: Sendable, Equatable {
    /// The anomaly kinds, as named in metrics (`anomalies_missing_session`, …).
    public enum Anomaly: String, CaseIterable, Sendable {
        /// The entry's session does not exist.
        case missingSession = "missing_session"
        /// The session exists but its status is not `completed`.
        case sessionNotCompleted = "session_not_completed"
        /// An INTEGER score below 0.
        case negativeScore = "negative_score"
        /// The entry's session already has an entry (with a lower id) in this board: every
        /// extra entry is flagged, the first one is judged on its own.
        case duplicateSession = "duplicate_session"
        /// `player_address` is not TEXT `0x` followed by 40 hex digits (either case).
        case malformedAddress = "malformed_address"
        /// The score is not stored as INTEGER (TEXT, REAL, BLOB, NULL, or beyond Int64,
        /// which SQLite keeps as REAL).
        case malformedScore = "malformed_score"

        /// The SQL condition (0 or 1) on a row of `checkedEntries`.
        var condition: String {
            switch self {
            case .missingSession: "session_found = 0"
            case .sessionNotCompleted: "session_found = 1 AND session_status IS NOT 'completed'"
            case .negativeScore: "typeof(score) = 'integer' AND score < 0"
            case .duplicateSession: "copy > 1"
            case .malformedAddress:
                """
                NOT (typeof(player_address) = 'text' AND length(player_address) = 42
                  AND length(CAST(player_address AS BLOB)) = 42 AND substr(player_address, 1, 2) = '0x'
                  AND substr(player_address, 3) NOT GLOB '*[^0-9a-fA-F]*')
                """
            case .malformedScore: "typeof(score) IS NOT 'integer'"
            }
        }
    }

    /// The winner of a board: an entry that is not flagged and ranks first.
    public struct Winner: Sendable, Equatable {
        public var entryID: Int64
        public var address: String
        public var score: Int64
    }

    /// Entries in the board.
    public var entries: Int64 = 0
    /// Entries with an INTEGER score (the ones the ranking orders).
    public var ranked: Int64 = 0
    /// Entries with at least one anomaly.
    public var flagged: Int64 = 0
    /// Entries per anomaly kind (an entry with two kinds counts in both); kinds with 0 absent.
    public var anomalies: [Anomaly: Int64] = [:]
    /// The top eligible entry, nil when no entry is eligible.
    public var winner: Winner?

    /// The total of `anomalies`.
    public var anomalyCount: Int64 { anomalies.values.reduce(0, +) }

    /// `missing_session=2, negative_score=1`, in `Anomaly` order.
    public var anomalySummary: String {
        Anomaly.allCases.compactMap { kind in anomalies[kind].map { "\(kind.rawValue)=\($0)" } }
            .joined(separator: ", ")
    }

    /// The board's entries, each with its session and its copy number within its session:
    /// `session_found`, `session_status`, `copy`. (Measured on a million sessions: the
    /// per-session window first, then the ranking, runs about a third faster than the other
    /// way round.)
    static let checkedEntries = """
        WITH board AS (
          SELECT e.id, e.player_address, e.score, e.created_at,
                 ROW_NUMBER() OVER (PARTITION BY e.session_id ORDER BY e.id) AS copy,
                 s.id IS NOT NULL AS session_found, s.status AS session_status
          FROM leaderboard_entries e LEFT JOIN game_sessions s ON s.id = e.session_id
          WHERE e.game_type = :game AND e.period_type = :period AND e.period_date = :date
        ),
        checked AS (
          SELECT *, \(Anomaly.allCases.map { "(\($0.condition)) AS \($0.rawValue)" }.joined(separator: ", "))
          FROM board
        ),
        flagged AS (
          SELECT *, (\(Anomaly.allCases.map(\.rawValue).joined(separator: " OR "))) AS flagged FROM checked
        ),
        ranked AS (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY flagged ORDER BY score DESC, created_at, id) AS place
          FROM flagged
        )
        """

    /// One row: the counts and the winner's columns.
    static let summarySQL = """
        \(checkedEntries)
        SELECT COUNT(*) AS entries,
               COALESCE(SUM(typeof(score) = 'integer'), 0) AS ranked,
               COALESCE(SUM(flagged), 0) AS flagged,
               \(Anomaly.allCases.map { "COALESCE(SUM(\($0.rawValue)), 0) AS \($0.rawValue)" }.joined(separator: ",\n       ")),
               MAX(CASE WHEN flagged = 0 AND place = 1 THEN id END) AS winner_id,
               MAX(CASE WHEN flagged = 0 AND place = 1 THEN player_address END) AS winner_address,
               MAX(CASE WHEN flagged = 0 AND place = 1 THEN score END) AS winner_score
        FROM ranked
        """

    /// Reads and checks one board in the caller's transaction or snapshot.
    static func read(_ db: Database, game: String, period: String, date: String) throws -> ArcadeBoard {
        guard let row = try Row.fetchOne(db, sql: summarySQL, arguments: ["game": game, "period": period, "date": date])
        else { return ArcadeBoard() }
        var board = ArcadeBoard()
        board.entries = row.count("entries")
        board.ranked = row.count("ranked")
        board.flagged = row.count("flagged")
        for kind in Anomaly.allCases {
            let count = row.count(kind.rawValue)
            if count > 0 { board.anomalies[kind] = count }
        }
        // The SQL already guarantees these types; checked again, never forced.
        if let id = row.stored("winner_id").exactInteger,
            let address = row.stored("winner_address").text, isWellFormedAddress(address),
            let score = row.stored("winner_score").exactInteger, score >= 0
        {
            board.winner = Winner(entryID: id, address: address, score: score)
        }
        return board
    }

    /// `0x` followed by 40 hex digits, either case: the rule of `Anomaly.malformedAddress`.
    public static func isWellFormedAddress(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count == 42, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") else { return false }
        return bytes.dropFirst(2).allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
