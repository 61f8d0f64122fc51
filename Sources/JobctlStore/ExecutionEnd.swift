import Foundation

/// How a run ended, as `finish` records it.
public struct ExecutionEnd: Sendable, Equatable {
    /// A final status (not `running`).
    public var status: ExecutionStatus
    public var finishedAt: Date
    public var metrics: JobMetrics?
    public var error: String?
    /// The run's output; the store keeps its last 4 KiB.
    public var output: String?

    public init(
        status: ExecutionStatus, finishedAt: Date, metrics: JobMetrics? = nil, error: String? = nil,
        output: String? = nil
    ) {
        self.status = status
        self.finishedAt = finishedAt
        self.metrics = metrics
        self.error = error
        self.output = output
    }
}
