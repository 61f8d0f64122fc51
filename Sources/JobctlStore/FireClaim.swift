import Foundation

/// The answer to a claim of a fire.
public enum FireClaim: Sendable, Equatable {
    /// This caller owns the fire; every further write about the run names the claim.
    case claimed(RunClaim)
    /// The fire is recorded already (another process or host got there first).
    case alreadyClaimed

    /// The claim, or nil when the fire was taken.
    public var claim: RunClaim? {
        if case .claimed(let claim) = self { return claim }
        return nil
    }
}
