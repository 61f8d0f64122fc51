import Foundation
import JobctlStore

/// The scheduler's batched claim (`FireBatchClaiming`) over `claimFires(_:)`.
extension PostgresStateStore: FireBatchClaiming {
    /// `claimFires(_:)` with each `CLAIM_RESULT` read as `claim(_:)` reads it; `NOT_DUE`,
    /// `REFUSED` and `RACE` are left to the single claim (nil), which sleeps, logs or retries.
    public func claimDueFires(_ starts: [ExecutionStart]) throws -> [FireClaim?] {
        try claimFires(starts).map(\.outcome.settled)
    }
}
