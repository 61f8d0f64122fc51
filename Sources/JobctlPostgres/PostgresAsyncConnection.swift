import Dispatch

/// A `PostgresConnection` for async code: every call runs on the connection's own serial
/// `DispatchQueue`, never on Swift's cooperative pool.
///
/// Why a serial queue per connection: libpq calls block (connect, and each call until its
/// answer or deadline). On the cooperative pool — one thread per core, two here — two slow
/// calls would stall every task of the process, the scheduler's included. A serial queue runs
/// its blocks on Dispatch's overcommitting worker threads, which grow when one blocks, and it
/// holds no thread while idle (a dedicated `Thread` would park one, with its stack, per
/// connection for the life of the process). Serial also gives libpq the one-thread-at-a-time
/// use it requires, and runs the calls in the order they were made.
///
/// Cancelling the calling task does not interrupt a call already running: it ends by itself
/// within the connection's timeouts. A call not yet started throws `CancellationError`.
public final class PostgresAsyncConnection: @unchecked Sendable {
    // @unchecked: `connection` is not Sendable; it is only ever touched by blocks on `queue`.
    private let queue: DispatchQueue
    private let connection: PostgresConnection

    private init(_ configuration: PostgresConfiguration) {
        queue = DispatchQueue(label: "jobctl.postgres.connection")
        connection = PostgresConnection(unconnected: configuration)
    }

    /// Connects on the connection's queue.
    public static func connect(_ configuration: PostgresConfiguration) async throws -> PostgresAsyncConnection {
        let connection = PostgresAsyncConnection(configuration)
        try await connection.withConnection { try $0.reset() }
        return connection
    }

    public var configuration: PostgresConfiguration { connection.configuration }

    /// Runs `body` with the connection, on its queue. `body` must not block on other tasks.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try Task.checkCancellation()
        return try await onQueue(body)
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(self.connection) })
            }
        }
    }

    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> [PostgresRow] {
        try await withConnection { try $0.query(sql, parameters) }
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> Int {
        try await withConnection { try $0.execute(sql, parameters) }
    }

    /// `PostgresConnection.transaction` on the connection's queue; `body` runs there too.
    @discardableResult
    public func transaction<T: Sendable>(
        isolation: PostgresConnection.IsolationLevel = .readCommitted,
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await withConnection { try $0.transaction(isolation: isolation, body) }
    }

    /// Closes and connects again (see `PostgresConnection.reset`).
    public func reset() async throws {
        try await withConnection { try $0.reset() }
    }

    public var isConnected: Bool {
        get async { (try? await onQueue { $0.isConnected }) ?? false }
    }

    /// Sets the limits of the next calls (see `PostgresConnection.timeouts`).
    public func setTimeouts(_ timeouts: PostgresTimeouts) async throws {
        try await withConnection { $0.timeouts = timeouts }
    }

    public func close() async {
        _ = try? await onQueue { $0.close() }
    }
}
