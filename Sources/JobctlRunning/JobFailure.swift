import JobctlStore

/// A job that failed after doing some of its work throws this, so that the run's metrics
/// (e.g. the anomalies that made `leaderboard fail_on_anomalies=true` fail) are still
/// recorded. Any other error means "failed, no metrics".
public struct JobFailure: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var metrics: JobMetrics

    public init(_ message: String, metrics: JobMetrics) {
        self.message = message
        self.metrics = metrics
    }

    public var description: String { message }
}
