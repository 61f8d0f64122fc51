import CLibPQ

extension PostgresConnection {
    /// Runs one statement in a transaction of its own, in **one round trip**, and returns its rows.
    ///
    /// - `transaction { $0.query(…) }` costs three round trips (BEGIN with the timeouts, the
    ///   statement, COMMIT); for a single statement the explicit transaction buys nothing: the
    ///   server runs it atomically anyway. The claim, skip, finish and renew of the several-hosts
    ///   store are such statements (docs/benchmarks.md, "PostgreSQL": before and after).
    /// - The timeouts still travel with it: libpq's pipeline mode sends
    ///   `SELECT set_config(…, true)` for each timeout, then the statement, then one Sync. The
    ///   extended protocol runs everything before a Sync as one implicit transaction, so the
    ///   settings are local to it, exactly like `SET LOCAL` after BEGIN. Behind PgBouncer in
    ///   transaction mode, where the startup `options` are lost, the statement is still bounded.
    /// - An error of either statement is thrown; nothing is committed then (the implicit
    ///   transaction rolls back at the Sync).
    /// - Inside an open transaction it throws `.usage`: use `query` there.
    public func autocommit(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> [PostgresRow] {
        let conn = try usableHandle()
        guard PQtransactionStatus(conn) == PQTRANS_IDLE else {
            throw PostgresError(.usage, "autocommit inside an open transaction; use query")
        }
        guard PQenterPipelineMode(conn) == 1 else { throw lost(conn) }
        do {
            try send(conn, timeoutsSQL, timeouts.settings.map { .text(String($0.milliseconds)) })
            try send(conn, sql, parameters)
            guard PQpipelineSync(conn) == 1 else { throw lost(conn) }
            let deadline = ContinuousClock.now.advanced(by: timeouts.client)
            try flush(conn, deadline)
            let settings = try pipelineResult(conn, deadline)
            let statement = try pipelineResult(conn, deadline)
            try pipelineSync(conn, deadline)
            _ = try settings.get()
            return try statement.get().rows
        } catch {
            // A connection whose pipeline could not be read to its end is in an unknown state.
            if PQexitPipelineMode(conn) != 1 { close() }
            throw error
        }
    }

    /// `set_config(name, $n, true)` for each of `PostgresTimeouts.settings`, in their order.
    private var timeoutsSQL: String {
        let calls = timeouts.settings.enumerated().map { "set_config('\($0.element.name)', $\($0.offset + 1), true)" }
        return "SELECT " + calls.joined(separator: ", ")
    }

    /// The result of the next query of the pipeline (its results up to the NULL that ends it).
    private func pipelineResult(
        _ conn: OpaquePointer, _ deadline: ContinuousClock.Instant
    ) throws -> Result<PostgresResult, PostgresError> {
        var outcome: Result<PostgresResult, PostgresError>?
        while true {
            try waitWhileBusy(conn, deadline)
            guard let result = PQgetResult(conn) else { break }
            let converted: Result<PostgresResult, PostgresError>
            if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
                converted = .failure(PostgresError(.server, "not run: an earlier statement of the pipeline failed"))
            } else {
                converted = Self.convert(result)
            }
            PQclear(result)
            if case .failure = outcome {} else { outcome = converted }
        }
        guard PQstatus(conn) == CONNECTION_OK else { throw lost(conn) }
        return outcome ?? .success(PostgresResult())
    }

    /// Reads the pipeline's Sync and leaves pipeline mode.
    private func pipelineSync(_ conn: OpaquePointer, _ deadline: ContinuousClock.Instant) throws {
        try waitWhileBusy(conn, deadline)
        guard let result = PQgetResult(conn) else { throw lost(conn) }
        let status = PQresultStatus(result)
        PQclear(result)
        guard status == PGRES_PIPELINE_SYNC else {
            throw PostgresError(.usage, "the pipeline did not end with its Sync")
        }
        guard PQexitPipelineMode(conn) == 1 else { throw lost(conn) }
    }
}
