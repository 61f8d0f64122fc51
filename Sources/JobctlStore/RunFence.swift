import JobctlPostgres

/// The fence of one run whose state lives in PostgreSQL (`PAYOUT_TX`, docs/several-hosts.md
/// §5.9): what a built-in job needs to make each of its write transactions on the state's
/// database first prove that the run still holds its lease.
///
/// Decision: the job never sees the state schema. The store that claimed the run builds the
/// fence (`RunFencing`) with the check as a closure over a connection of the job's own, so the
/// SQL stays in `JobctlPostgresStore` and the arcade only calls `holds` first thing inside its
/// transaction. A job whose database is another one cannot share a transaction with the state:
/// it ignores the fence (`isSameDatabase`).
public struct RunFence: Sendable {
    /// The run's id, which is its fencing token.
    public var token: Int64
    /// The node that claimed the run (`owner_node`).
    public var node: String
    /// How to reach the state's database (its URL and password file).
    public var configuration: PostgresConfiguration
    /// Inside the caller's open transaction on `configuration`'s database: locks the run's
    /// execution row (`FOR UPDATE`) and returns true while the run is this node's, `running`,
    /// with its lease unexpired by the database's clock; false otherwise (the run was reaped
    /// or finished: `SUPERSEDED`), and the caller must roll back and write nothing more.
    public var holds: @Sendable (PostgresConnection) throws -> Bool

    public init(
        token: Int64, node: String, configuration: PostgresConfiguration,
        holds: @escaping @Sendable (PostgresConnection) throws -> Bool
    ) {
        self.token = token
        self.node = node
        self.configuration = configuration
        self.holds = holds
    }

    /// True when `url` names the state's database: the same host, port and database name as
    /// written (a host given once as a name and once as an address counts as different, and
    /// the fence is then not used: the pool's own key still prevents a second payout).
    public func isSameDatabase(_ url: PostgresURL) -> Bool {
        let state = configuration.url
        return url.host == state.host && url.port == state.port && url.database == state.database
    }
}
