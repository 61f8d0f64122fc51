import Foundation
import Logging
import Testing

@testable import JobctlRunning
@testable import JobctlStore

/// `SELF_FENCE` at the node's own deadline (docs/several-hosts.md §5.6), in the node's memory.
@Suite struct LiveClaimsDeadlineTests {
    final class Flag: Sendable {
        let cancelled = OneShot<Bool>()
    }

    /// A run whose renewals stopped kept running and was FINISHed late: only a "reaped" answer
    /// to a renewal ever stopped it. Past its deadline it is cancelled, not renewed, not written.
    @Test func aRunPastItsDeadlineWasStillRenewedAndFinished() async {
        let claims = LiveClaims(timings: LeaseTimings(lease: .seconds(3)), logger: Logger(label: "test"))
        let claim = RunClaim(runID: 7, token: 7)
        // Claimed 2.5 s ago: the deadline (claim + 2 s) passed half a second ago.
        let lease = claims.lease(claimedAt: BootClock.now() - 2_500_000_000)
        let flag = Flag()
        claims.add(claim, job: "slow", fire: nil, lease: lease) { flag.cancelled.resolve(true) }
        #expect(claims.claims.isEmpty)  // not renewed: fenced first
        #expect(await flag.cancelled.value())
        #expect(!claims.release(claim))  // no FINISH
    }

    @Test func aRenewedRunKeepsRunningAndIsFinished() {
        let claims = LiveClaims(timings: LeaseTimings(lease: .seconds(3)), logger: Logger(label: "test"))
        let claim = RunClaim(runID: 8, token: 8)
        let lease = claims.lease(claimedAt: BootClock.now())
        claims.add(claim, job: "quick", fire: nil, lease: lease) {}
        claims.renewed([claim], attemptStart: BootClock.now())
        #expect(claims.claims == [claim])
        #expect(claims.release(claim))
        #expect(claims.claims.isEmpty)
    }
}
