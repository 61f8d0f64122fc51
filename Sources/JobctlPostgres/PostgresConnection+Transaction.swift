import CLibPQ

extension PostgresConnection {
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Runs `body` between BEGIN and COMMIT; ROLLBACK when it throws, and rethrows.
    ///
    /// - BEGIN also sets this connection's timeouts with `SET LOCAL`, in the same round trip:
    ///   behind PgBouncer in transaction mode the startup `options` are lost, and this keeps
    ///   every transaction bounded anyway.
    /// - A transaction whose body caught a failed statement and returned is rolled back and
    ///   reported, not committed: PostgreSQL would answer COMMIT with ROLLBACK silently.
    /// - A serialization failure (40001) or deadlock (40P01), at a statement or at COMMIT,
    ///   is thrown as is; retrying the whole transaction is the caller's choice.
    /// - Nested use throws `.usage`: savepoints are not offered.
    @discardableResult
    public func transaction<T>(
        isolation: IsolationLevel = .readCommitted, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        let conn = try usableHandle()
        guard PQtransactionStatus(conn) == PQTRANS_IDLE else {
            throw PostgresError(.usage, "a transaction is already open on this connection")
        }
        let value: T
        do {
            _ = try runSimple("BEGIN ISOLATION LEVEL \(isolation.rawValue); \(timeouts.setLocalStatements)")
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        try commit()
        return value
    }

    private func commit() throws {
        let conn = try usableHandle()
        switch PQtransactionStatus(conn) {
        case PQTRANS_INTRANS:
            break
        case PQTRANS_INERROR:
            rollbackQuietly()
            throw PostgresError(.usage, "a statement of the transaction failed and its error was caught; rolled back")
        default:
            throw PostgresError(.usage, "the transaction was ended inside its body")
        }
        let result = try runSimple("COMMIT")
        guard result.command == "COMMIT" else {
            throw PostgresError(.server, "COMMIT answered \(result.command): the transaction was rolled back")
        }
    }

    /// Best effort: a lost connection has already rolled the transaction back on the server.
    private func rollbackQuietly() {
        guard let conn = handle, PQstatus(conn) == CONNECTION_OK,
            PQtransactionStatus(conn) != PQTRANS_IDLE
        else { return }
        _ = try? runSimple("ROLLBACK")
    }
}
