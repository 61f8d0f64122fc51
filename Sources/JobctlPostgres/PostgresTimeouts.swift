/// The limits every connection runs under, so that no call to PostgreSQL can hang a node.
///
/// The defaults are sized against the several-hosts design's 30 s lease (docs/postgres.md) renewed every 10 s: a renewal that
/// cannot finish gives up (statement 10 s) before the next one is due, and a dead peer is
/// noticed (keepalives ≈ 19 s, unacknowledged writes 10 s) before the lease runs out.
/// URL parameters of the same names override them (see `PostgresURL`).
public struct PostgresTimeouts: Sendable, Equatable {
    /// libpq `connect_timeout`, whole seconds (libpq treats less than 2 s as 2 s). A server
    /// answers in milliseconds; 5 s leaves room for TLS over a slow link and keeps reconnect
    /// loops responsive.
    public var connect: Duration = .seconds(5)
    /// Server `statement_timeout`: any statement longer than this fails with 57014. The
    /// slowest expected reads (`history`, `stats` on 1 M rows) take well under a second;
    /// a migration that needs longer raises it with `SET LOCAL` in its own transaction.
    public var statement: Duration = .seconds(10)
    /// Server `lock_timeout`: waiting for a row or table lock fails with 55P03 after this.
    public var lock: Duration = .seconds(5)
    /// Server `idle_in_transaction_session_timeout`: a node stalled (SIGSTOP, VM pause) inside
    /// a transaction loses it after this, so its locks do not block the others for long.
    public var idleInTransaction: Duration = .seconds(10)
    /// libpq TCP keepalives: first probe after `keepalivesIdle` of silence, then every
    /// `keepalivesInterval`, dropped after `keepalivesCount` unanswered probes (10 + 3 × 3 s).
    public var keepalivesIdle: Duration = .seconds(10)
    public var keepalivesInterval: Duration = .seconds(3)
    public var keepalivesCount: Int = 3
    /// libpq `tcp_user_timeout`: data left unacknowledged this long drops the connection.
    /// Keepalives only probe idle connections; without this, Linux retransmits a request to a
    /// vanished server for about 15 minutes.
    public var tcpUserTimeout: Duration = .seconds(10)
    /// Added to `statement` to give the client-side deadline of one call (see `client`).
    public var clientGrace: Duration = .seconds(5)

    public init() {}

    /// The client-side deadline of one call. The server normally cancels first (57014); this
    /// only fires when the server or the network is frozen, which no server setting and no
    /// keepalive detects (a SIGSTOPped server's kernel still acknowledges). 5 min when the
    /// statement timeout is off (0).
    public var client: Duration {
        statement > .zero ? statement + clientGrace : .seconds(300)
    }

    /// `-c name=value` settings sent at connection start (libpq `options`).
    var serverOptions: String {
        settings.map { "-c \($0.name)=\($0.milliseconds)" }.joined(separator: " ")
    }

    /// The same settings as `SET LOCAL` statements, for the start of each transaction:
    /// PgBouncer in transaction mode drops the startup `options`.
    var setLocalStatements: String {
        settings.map { "SET LOCAL \($0.name) = \($0.milliseconds)" }.joined(separator: "; ")
    }

    var settings: [(name: String, milliseconds: Int64)] {
        [
            ("statement_timeout", Self.milliseconds(statement)),
            ("lock_timeout", Self.milliseconds(lock)),
            ("idle_in_transaction_session_timeout", Self.milliseconds(idleInTransaction)),
        ]
    }

    /// Whole milliseconds, rounded up so a short non-zero limit never becomes 0 (= off).
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let wholeMs = attoseconds / 1_000_000_000_000_000
        let rest = attoseconds % 1_000_000_000_000_000
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return Int64(Int32.max) }
        return min(ms + wholeMs + (rest > 0 ? 1 : 0), Int64(Int32.max))
    }

    /// Whole seconds, rounded up.
    static func seconds(_ duration: Duration) -> Int64 {
        let ms = milliseconds(duration)
        return (ms + 999) / 1000
    }
}
