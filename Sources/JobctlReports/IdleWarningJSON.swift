import Foundation
import JobctlStore
import JobctlTime

/// An idle warning in `stats --json` and the status API: `job`, `counter`, `since` (RFC 3339),
/// `idleAfterSeconds`, `message`.
public struct IdleWarningJSON: Sendable, Codable, Equatable {
    public var job: String
    public var counter: String
    public var since: String
    public var idleAfterSeconds: Int64
    public var message: String

    public init(_ warning: IdleWarning) {
        job = warning.job
        counter = warning.counter
        since = HistoryTime.rfc3339(warning.since)
        idleAfterSeconds = warning.idleAfterSeconds
        message = warning.message
    }
}
