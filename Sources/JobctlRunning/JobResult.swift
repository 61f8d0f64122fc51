import JobctlStore

/// The result of a job that ran to the end. A job that could not do part of its work (one
/// game's query failed) returns `partialFailure` with the reason; the run is then `partial`.
/// A job that could do nothing throws.
public struct JobResult: Sendable, Equatable {
    public var metrics: JobMetrics
    public var partialFailure: String?

    public init(metrics: JobMetrics, partialFailure: String? = nil) {
        self.metrics = metrics
        self.partialFailure = partialFailure
    }
}
