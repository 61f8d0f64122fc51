import Foundation
import GRDB

/// The state of one execution. Raw values are what the database and the JSON output hold.
public enum ExecutionStatus: String, Sendable, Codable, CaseIterable {
    case running
    case succeeded
    case failed
    case partial
    case timedOut = "timed_out"
    case skipped
    case interrupted
    /// Several hosts (PostgreSQL, issue 11): the run's lease expired (its node died or stalled)
    /// and another node reaped it. Never recorded by the SQLite store.
    case abandoned
    /// Several hosts (PostgreSQL, `overlap=queue`): a fire claimed while a run of its job was
    /// live on any node, waiting for `DEQUEUE` to start it (then it is `running`). A state, as
    /// `running` is: neither a success nor a failure; it counts in a job's runs (one recorded
    /// fire). Never recorded by the SQLite store (one host keeps its queued fire in memory).
    case queued

    /// Counted as a failure by stats and `consecutive failures`: failed, timed out, interrupted,
    /// abandoned.
    public var isFailure: Bool {
        self == .failed || self == .timedOut || self == .interrupted || self == .abandoned
    }
}
