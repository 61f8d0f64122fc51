import Foundation
import JobctlStore
import Logging
import Synchronization

/// The claims of the runs under way in one process, for the lease renewal of a PostgreSQL
/// `STATE_DB` (`RENEW`, docs/several-hosts.md §5.5): the runner adds each claim when its row is
/// recorded and releases it before its `FINISH`. Each claim has its own deadline (`RunLease`),
/// which a renewal extends and the run's guard process enforces.
///
/// `SELF_FENCE` (§5.6), two ways: a claim the store no longer renews was reaped (`SUPERSEDED`,
/// `fence`), or its deadline passed without a renewal (`fenceExpired`, checked every 200 ms by
/// the node and before each renewal and `FINISH`). Either way its run is cancelled (the
/// command's process group is killed, a built-in job's task cancelled) and nothing more is
/// written about it: `release` answers false, so the runner sends no `FINISH`; the reaper
/// records the row.
public final class LiveClaims: Sendable {
    public struct Entry: Sendable {
        public var job: String
        public var fire: Date?
        let lease: RunLease?
        let cancel: @Sendable () -> Void
    }

    private struct State {
        var entries: [RunClaim: Entry] = [:]
        /// Claims fenced while their run was still finishing: the runner must not write them.
        var fenced: Set<RunClaim> = []
    }

    private let state = Mutex(State())
    /// The lease's timings; nil: claims have no deadline (no guard, no self-fence).
    public let timings: LeaseTimings?
    private let logger: Logger

    public init(timings: LeaseTimings? = nil, logger: Logger = Logger(label: "jobctl")) {
        self.timings = timings
        self.logger = logger
    }

    /// The lease of a run whose claim was sent at `claimStart` (`BootClock`), or nil without
    /// timings. PROTOCOL: take_slot() — deadline = attempt start + LEASE − MARGIN.
    func lease(claimedAt claimStart: UInt64) -> RunLease? {
        timings.map { RunLease(timings: $0, deadline: $0.deadline(attemptStart: claimStart)) }
    }

    func add(
        _ claim: RunClaim, job: String, fire: Date?, lease: RunLease?, cancel: @escaping @Sendable () -> Void
    ) {
        state.withLock { $0.entries[claim] = Entry(job: job, fire: fire, lease: lease, cancel: cancel) }
    }

    /// The run ended: true when its `FINISH` may be sent (rule `WRITE_BEFORE_DEADLINE`, checked
    /// just before sending); false when it was fenced, or its deadline has passed now.
    func release(_ claim: RunClaim) -> Bool {
        fenceExpired()
        return state.withLock { state in
            state.entries.removeValue(forKey: claim)
            return state.fenced.remove(claim) == nil
        }
    }

    /// The claims under way whose deadline has not passed (those that passed are fenced first).
    public var claims: [RunClaim] {
        fenceExpired()
        return state.withLock { Array($0.entries.keys) }
    }

    /// `RENEW` answered: each renewed claim's deadline moves to `attemptStart + LEASE − MARGIN`
    /// and goes to its guard. A deadline that passed meanwhile is not extended: fenced.
    public func renewed(_ renewed: Set<RunClaim>, attemptStart: UInt64) {
        guard let timings else { return }
        let deadline = timings.deadline(attemptStart: attemptStart)
        let leases = state.withLock { state in renewed.compactMap { claim in state.entries[claim]?.lease } }
        for lease in leases { lease.extend(to: deadline) }
        fenceExpired()
    }

    /// PROTOCOL: SELF_FENCE — every claim whose deadline has passed is fenced, with one log line.
    /// A node resumed after a SIGSTOP finds them here at once (its deadlines are in the past).
    public func fenceExpired() {
        let now = BootClock.now()
        let expired = state.withLock { state in
            let passed = state.entries.filter { ($0.value.lease?.deadline ?? .max) <= now }
            for claim in passed.keys {
                state.entries.removeValue(forKey: claim)
                state.fenced.insert(claim)
            }
            return passed
        }
        for (claim, entry) in expired {
            logger.error(
                "run \(claim.runID) (\(entry.job)) passed its lease deadline without a renewal: stopped; its row is left for the reaper",
                metadata: ["job": .string(entry.job), "run": .stringConvertible(claim.runID)])
            entry.cancel()
        }
    }

    /// `SUPERSEDED`: forgets `claim` and cancels its run; returns what it was, or nil when it
    /// already ended or was fenced.
    @discardableResult
    public func fence(_ claim: RunClaim) -> Entry? {
        let entry = state.withLock { state in
            let entry = state.entries.removeValue(forKey: claim)
            if entry != nil { state.fenced.insert(claim) }
            return entry
        }
        entry?.cancel()
        return entry
    }
}
