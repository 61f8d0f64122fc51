import Foundation

/// Which executions `HistoryStore.executions(_:)` returns: newest first, at most `limit`.
public struct HistoryFilter: Sendable, Equatable {
    public var limit: Int
    public var job: String?
    public var status: ExecutionStatus?
    /// Only executions that started at or after this instant.
    public var since: Date?

    public init(limit: Int = 20, job: String? = nil, status: ExecutionStatus? = nil, since: Date? = nil) {
        self.limit = limit
        self.job = job
        self.status = status
        self.since = since
    }
}
