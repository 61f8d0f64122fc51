import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlTime

/// `on_lost=abandon|retry` (issue 11) and the lease timings the node derives from `LEASE`.
@Suite struct OnLostOptionTests {
    let reader = ConfigReader(
        path: "jobs.conf", machineZone: ZoneRules(identifier: "UTC")!, catalog: ArcadeJobs.registry.catalog)

    /// Issue 11 asks for a per-job `on_lost=`; without it every lost run was only abandoned.
    @Test func onLostRetryWasNotAnOptionSoALostRunCouldNeverBeRetried() throws {
        let config = try reader.parse(
            "@daily a command=true\n@daily b command=true on_lost=retry\n@daily c command=true on_lost=abandon")
        #expect(config.job(named: "a")?.onLost == .abandon)
        #expect(config.job(named: "b")?.onLost == .retry)
        #expect(config.job(named: "c")?.onLost == .abandon)
    }

    @Test func onLostRefusesAWordOtherThanAbandonOrRetry() {
        do {
            _ = try reader.parse("@daily a command=true on_lost=rerun")
            Issue.record("on_lost=rerun was accepted")
        } catch {
            #expect(error.errors.first?.message.contains("'rerun' is not one of abandon, retry") == true)
        }
    }

    /// §6's margin (5 s) is larger than a 3 s test lease: the deadline would be before the claim.
    @Test func aShortLeaseKeepsItsDeadlineAfterTheClaimAndItsMarginAboveTheKillGrace() {
        let short = LeaseTimings(lease: .seconds(3))
        #expect(short.margin == .seconds(1) && short.killGrace == .milliseconds(500))
        #expect(short.deadline(attemptStart: 1_000) == 1_000 + 2_000_000_000)
        let normal = LeaseTimings(lease: .seconds(30))
        #expect(normal.margin == .seconds(5) && normal.killGrace == .seconds(2))
        #expect(normal.deadline(attemptStart: 0) == 25_000_000_000)
    }

    /// A deadline the guard may already have acted on is never moved (§5.4).
    @Test func aPassedDeadlineIsNotExtendedByALateRenewal() {
        let lease = RunLease(timings: LeaseTimings(lease: .seconds(3)), deadline: BootClock.now() - 1)
        #expect(!lease.extend(to: BootClock.now() + 10_000_000_000))
        #expect(lease.hasPassed)
        let live = RunLease(timings: LeaseTimings(lease: .seconds(3)), deadline: BootClock.now() + 10_000_000_000)
        #expect(live.extend(to: BootClock.now() + 20_000_000_000))
        #expect(!live.hasPassed)
    }
}
