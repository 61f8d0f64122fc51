import Foundation
import JobctlStore
import Synchronization

/// The claims of the runs under way in one process, for the lease renewal of a PostgreSQL
/// `STATE_DB` (`RENEW`, docs/several-hosts.md §5.5): the runner adds each claim when its row is
/// recorded and removes it when the run ends. A claim the store no longer renews was reaped
/// (`SUPERSEDED`): `fence` cancels its run (`SELF_FENCE`: the command's process group is
/// killed, as on Ctrl-C) and the store refuses its late `FINISH`.
public final class LiveClaims: Sendable {
    public struct Entry: Sendable {
        public var job: String
        public var fire: Date?
        let cancel: @Sendable () -> Void
    }

    private let entries = Mutex<[RunClaim: Entry]>([:])

    public init() {}

    func add(_ claim: RunClaim, job: String, fire: Date?, cancel: @escaping @Sendable () -> Void) {
        entries.withLock { $0[claim] = Entry(job: job, fire: fire, cancel: cancel) }
    }

    func remove(_ claim: RunClaim) {
        entries.withLock { _ = $0.removeValue(forKey: claim) }
    }

    /// The claims under way now.
    public var claims: [RunClaim] { entries.withLock { Array($0.keys) } }

    /// Forgets `claim` and cancels its run; returns what it was, or nil when it already ended.
    @discardableResult
    public func fence(_ claim: RunClaim) -> Entry? {
        let entry = entries.withLock { $0.removeValue(forKey: claim) }
        entry?.cancel()
        return entry
    }
}
