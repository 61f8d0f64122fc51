import Foundation
import JobctlPostgres

/// A few `PostgresConnection`s shared by the store's callers, each used by one caller at a time.
///
/// - Connections open lazily, up to `capacity`; a caller finding none free waits for one (the
///   store's API is synchronous, like SQLite's `DatabaseQueue`, and every call is bounded by
///   the connection's timeouts).
/// - A connection whose call failed with a connection loss (or a client-side timeout) is
///   dropped, not returned: the next caller opens a fresh one (the password file is read
///   again). Nothing else is remembered about a connection: no session state is used.
final class PostgresConnectionPool: @unchecked Sendable {
    // @unchecked: `idle` and `open` are touched only under `condition`'s lock, and a connection
    // is used by one thread at a time (between `take` and `give`).
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    let configuration: PostgresConfiguration
    let capacity: Int

    init(configuration: PostgresConfiguration, capacity: Int) {
        self.configuration = configuration
        self.capacity = max(1, capacity)
    }

    /// Runs `body` with a connection of the pool.
    func with<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try take()
        do {
            let value = try body(connection)
            give(connection, keep: true)
            return value
        } catch let error as PostgresError {
            give(connection, keep: !error.isConnectionLoss && connection.isConnected)
            throw error
        } catch {
            give(connection, keep: connection.isConnected)
            throw error
        }
    }

    private func take() throws -> PostgresConnection {
        condition.lock()
        while idle.isEmpty && open >= capacity { condition.wait() }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        open += 1
        condition.unlock()
        do {
            return try PostgresConnection(configuration)
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func give(_ connection: PostgresConnection, keep: Bool) {
        if !keep { connection.close() }
        condition.lock()
        if keep { idle.append(connection) } else { open -= 1 }
        condition.signal()
        condition.unlock()
    }

    /// Closes the idle connections (those in use close when given back and dropped).
    func closeIdle() {
        condition.lock()
        let closing = idle
        idle = []
        open -= closing.count
        condition.unlock()
        closing.forEach { $0.close() }
    }
}
