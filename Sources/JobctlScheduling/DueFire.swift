import Foundation
import JobctlConfig
import JobctlTime

/// One fire of one job that is due.
public struct DueFire: Sendable {
    public var job: JobDefinition
    /// The scheduled instant.
    public var fire: Instant
    /// The job's following fire (bounds retries and jitter).
    public var nextFire: Instant?
    /// Earlier fires of this job that were due at the same wake and coalesced into this one
    /// (the wall clock jumped forward or the machine was suspended).
    public var coalesced: Int
}
