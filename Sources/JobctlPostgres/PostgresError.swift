import Foundation

/// Every failure of this module: a kind, the server's SQLSTATE when it sent one, and a message
/// of one line (multi-line libpq messages are joined), never containing a password.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL or one of its parameters is unusable; nothing was attempted.
        case invalidURL
        /// The password file is missing, unreadable, not ours, or readable by others.
        case passwordFile
        /// Could not connect, or the connection is lost (`reset()` reconnects).
        case connection
        /// No answer before the client-side deadline (`PostgresTimeouts.client`): the server or
        /// the network is frozen. The connection was closed; `reset()` reconnects.
        case clientTimeout
        /// The server refused the statement; `sqlState` says why.
        case server
        /// A value of a result could not be read as the type asked for, or a column is missing.
        case decoding
        /// The API was misused: a closed connection, a nested transaction, a NUL character.
        case usage
    }

    public let kind: Kind
    /// The five-character SQLSTATE the server sent (`23505`, `40001`, `57014`…), if any.
    public let sqlState: String?
    public let message: String

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = PostgresError.oneLine(message)
        self.sqlState = sqlState
    }

    public var description: String {
        if let sqlState { return "PostgreSQL error \(sqlState): \(message)" }
        return message
    }

    /// 23505: an INSERT lost a race on a unique key (a fire already claimed, for example).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// 40001 or 40P01: the transaction lost against a concurrent one and may be retried whole.
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// 57014: cancelled, by `statement_timeout` in particular.
    public var isQueryCanceled: Bool { sqlState == "57014" }

    /// 55P03: `lock_timeout` expired (or `NOWAIT` found the row locked).
    public var isLockNotAvailable: Bool { sqlState == "55P03" }

    /// The connection can no longer be used: lost, never made, closed after a client-side
    /// timeout, or the server is shutting down or restarting (class 08, 57P01–57P03).
    public var isConnectionLoss: Bool {
        if kind == .connection || kind == .clientTimeout { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
