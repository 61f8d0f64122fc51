import JobctlPostgres
import JobctlStore

/// `PAYOUT_TX` (docs/several-hosts.md §5.9): the fence a built-in job checks first inside each
/// of its write transactions when its database is the state's. The statement lives here, with
/// the state schema; the job only gets `RunFence.holds`.
extension PostgresStateStore: RunFencing {
    /// On PostgreSQL a run's id is its fencing token (`CLAIM`).
    public func fence(forRun runID: Int64) -> RunFence? {
        let node = self.node.id
        return RunFence(token: runID, node: node, configuration: pool.configuration) { connection in
            try Self.fenceHolds(connection, token: runID, node: node)
        }
    }

    // PROTOCOL: PAYOUT_TX
    static let fenceSQL = """
        SELECT 1 AS held FROM jobctl_execution
        WHERE id = $1::bigint AND owner_node = $2::text AND status = 'running' AND lease_until > now()
        FOR UPDATE
        """

    /// Locks the run's row inside the caller's transaction; false when the run lost its lease.
    static func fenceHolds(_ connection: PostgresConnection, token: Int64, node: String) throws -> Bool {
        try connection.query(fenceSQL, [.int64(token), .text(node)]).count == 1
    }
}
