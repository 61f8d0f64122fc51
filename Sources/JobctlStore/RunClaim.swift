import Foundation

/// A claimed run: its history row and the fence that every write about it carries.
public struct RunClaim: Sendable, Hashable {
    /// The execution's id in the history (`jobctl show`, the HTTP API).
    public var runID: Int64
    /// Opaque to callers: the store's fencing token. SQLite: the row id. PostgreSQL: a value
    /// from a sequence, matched by every write about the run.
    public var token: Int64

    public init(runID: Int64, token: Int64) {
        self.runID = runID
        self.token = token
    }
}
