import CLibPQ

/// One libpq connection, used synchronously (the CLI, or inside `PostgresAsyncConnection`).
///
/// - Not `Sendable`: libpq forbids using one `PGconn` from two threads at once, and the
///   compiler now enforces it. Async code uses `PostgresAsyncConnection`.
/// - The `PGconn` is freed exactly once: by `close()`, by a failed `reset()`, after a
///   client-side timeout, or in `deinit`; `handle` is nil from then on.
/// - Every call is bounded: libpq's `connect_timeout` while connecting, then the server's
///   timeouts, then a client-side deadline (`PostgresTimeouts.client`) enforced with `poll`
///   over a non-blocking socket, so even a frozen server or network cannot hang the caller.
/// - Server notices (`NOTICE: relation already exists, skipping`…) are dropped: libpq would
///   print them on our stderr.
public final class PostgresConnection {
    public let configuration: PostgresConfiguration
    /// The limits of the next calls; start from the configuration's. A long migration may
    /// raise `statement` here (the server side it sets itself with `SET LOCAL`).
    public var timeouts: PostgresTimeouts
    private(set) var handle: OpaquePointer?

    /// Connects now; throws `.connection` (one line, from libpq) when it cannot.
    public convenience init(_ configuration: PostgresConfiguration) throws {
        self.init(unconnected: configuration)
        try connect()
    }

    /// A connection that connects at its first `reset()`.
    init(unconnected configuration: PostgresConfiguration) {
        self.configuration = configuration
        self.timeouts = configuration.timeouts
    }

    deinit { close() }

    /// True while libpq reports the connection usable. It learns of a loss only when a call
    /// fails (or `isAlive` is called).
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Closes the connection (idempotent).
    public func close() {
        guard let conn = handle else { return }
        handle = nil
        PQfinish(conn)
    }

    /// Drops the current connection, if any, and connects again, reading the password file
    /// again. libpq's `PQreset` would reuse the old parameters; this also covers a
    /// connection closed after a client-side timeout.
    public func reset() throws {
        close()
        try connect()
    }

    private func connect() throws {
        let info = try configuration.conninfo()
        guard let conn = PQconnectdb(info) else {
            throw PostgresError(.connection, "libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = Self.errorText(conn)
            PQfinish(conn)
            throw PostgresError(.connection, "cannot connect to \(configuration.url): \(message)")
        }
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        guard PQsetnonblocking(conn, 1) == 0 else {
            let message = Self.errorText(conn)
            PQfinish(conn)
            throw PostgresError(.connection, "cannot make the connection non-blocking: \(message)")
        }
        handle = conn
    }

    /// Runs one statement with `$1…$n` parameters (`nil` = NULL) and returns its rows.
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> [PostgresRow] {
        try run(sql, parameters).rows
    }

    /// Runs one statement; returns the rows it inserted, updated or deleted (0 for others).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> Int {
        try run(sql, parameters).affectedRows
    }

    /// Asks the server whether the connection still works (`SELECT 1`); never throws.
    public func isAlive() -> Bool {
        (try? query("SELECT 1")) != nil
    }

    static func errorText(_ conn: OpaquePointer) -> String {
        guard let text = PQerrorMessage(conn) else { return "unknown libpq error" }
        let message = PostgresError.oneLine(String(cString: text))
        return message.isEmpty ? "unknown libpq error" : message
    }
}
