import JobctlPostgres

/// The store cannot be reached right now: a lost connection, a server restarting or failing
/// over. Several hosts (`CONNECTION`, docs/several-hosts.md §5.2 and §7.2): whoever was reading
/// or claiming a fire waits and claims the same fire again, instead of losing it — a daily
/// payout due during a three-second failover would otherwise wait a day.
public protocol StoreUnavailableError: Error {
    var isStoreUnavailable: Bool { get }
}

extension PostgresError: StoreUnavailableError {
    /// The connection was lost or could not be made, or the server is shutting down or
    /// starting (`PostgresError.isConnectionLoss`); any other error is an answer.
    public var isStoreUnavailable: Bool { isConnectionLoss }
}
