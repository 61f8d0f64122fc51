import Foundation
import Logging

/// The run guard of a PostgreSQL `STATE_DB`: always granted. Runs are kept apart across hosts
/// by the database (the claim's fire key and the one-live index of `overlap=skip` jobs), not by
/// lock files, which would only see this host and, taken before the claim, could record a fire
/// `skipped` that another node on the same host is about to claim.
public struct FreeRunGuard: RunGuard {
    final class Held: HeldRunGuard {
        var inheritableDescriptor: Int32? { nil }
    }

    public init() {}

    public func acquire(job: String, exclusive: Bool, owner: String) throws -> RunGuardAttempt { .held(Held()) }
    public func isFree(job: String) -> Bool { true }
    public func onlyLeftoversHold(job: String) -> Bool { false }
    public func isFreeEndingLeftovers(job: String, logger: Logger?) -> Bool { true }
}
