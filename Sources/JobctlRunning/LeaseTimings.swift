/// The node's own deadline and kill grace for a lease (docs/several-hosts.md §5.5, §6).
///
/// Decision: §6's `MARGIN` = 5 s and `KILL_GRACE` = 2 s assume `LEASE` ≥ 15 s, but tests of dead
/// nodes use `LEASE=3s`. Both scale with the lease so that the rule `MARGIN > KILL_GRACE` holds
/// at every length: `MARGIN = min(5 s, LEASE / 3)`, `KILL_GRACE = min(2 s, MARGIN / 2)`. At 30 s
/// that is §6's 5 s and 2 s (deadline at +25 s); at 3 s, 1 s and 0.5 s (deadline at +2 s).
public struct LeaseTimings: Sendable, Equatable {
    public var lease: Duration

    public init(lease: Duration) { self.lease = lease }

    public var margin: Duration { min(.seconds(5), lease / 3) }
    public var killGrace: Duration { min(.seconds(2), margin / 2) }
    /// How often the node renews: `LEASE / 3` (`RENEW_EVERY`).
    public var renewEvery: Duration { lease / 3 }
    /// After a failed renewal, until the deadlines pass (`RENEW_RETRY`).
    public var renewRetry: Duration { min(.seconds(1), lease / 3) }

    /// `PROTOCOL: take_slot()` / `RENEW` — the deadline of a claim or renewal whose attempt
    /// started at `attemptStart` (`BootClock`, read BEFORE the statement was sent): the
    /// database's `now()` is later than that, so the lease lasts at least until
    /// `attemptStart + LEASE` in real time, and the deadline is `MARGIN` before it.
    public func deadline(attemptStart: UInt64) -> UInt64 {
        attemptStart &+ BootClock.nanoseconds(lease - margin)
    }
}
