import Foundation

/// `CLAIM`'s outcome and the database's `now()` of its transaction (the node sleeps towards
/// its estimate of the database time, never its own clock).
public struct ClaimAnswer: Sendable, Equatable {
    public var outcome: ClaimOutcome
    public var databaseNow: Date

    public init(outcome: ClaimOutcome, databaseNow: Date) {
        self.outcome = outcome
        self.databaseNow = databaseNow
    }
}
