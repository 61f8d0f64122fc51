import Foundation

/// A run a node holds: its id (token), job, fire (nil for a manual run) and lease.
public struct NodeRun: Sendable, Equatable {
    public var runID: Int64
    public var job: String
    public var scheduledAt: Date?
    public var startedAt: Date
    public var leaseUntil: Date

    public init(runID: Int64, job: String, scheduledAt: Date?, startedAt: Date, leaseUntil: Date) {
        self.runID = runID
        self.job = job
        self.scheduledAt = scheduledAt
        self.startedAt = startedAt
        self.leaseUntil = leaseUntil
    }
}
