import Foundation
import Testing

@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlTime

func job(
    _ name: String, _ schedule: String, zone: String = "UTC", overlap: OverlapPolicy = .skip, retries: Int = 0,
    backoffMs: Int64 = 1000, catchup: Int64? = nil, jitterMs: Int64 = 0, timeoutMs: Int64? = nil,
    action: JobAction = .command("true")
) throws -> JobDefinition {
    JobDefinition(
        name: name, schedule: try Schedule.parse(schedule), zone: try Zones.named(zone), zoneSource: .option,
        action: action, timeoutMilliseconds: timeoutMs, retries: retries, backoffMilliseconds: backoffMs,
        overlap: overlap, catchupMilliseconds: catchup, jitterMilliseconds: jitterMs, enabled: true, line: 1)
}

func at(_ text: String, _ zone: String = "UTC") throws -> Date {
    Date(unixSeconds: try TimeText.parse(text, in: try Zones.named(zone)))
}

/// `at` as the fire path's instant.
func instantAt(_ text: String, _ zone: String = "UTC") throws -> Instant {
    Instant(date: try at(text, zone))
}

/// Plays the loop: wake at each next due fire (never more than 30 s apart), take what is due.
func play(_ plan: inout FirePlan, from start: Instant, until end: Instant) -> [(String, String)] {
    var now = start
    var out: [(String, String)] = []
    while now < end {
        for due in plan.takeDue(at: now) {
            out.append((due.job.name, TimeText.rfc3339(due.fire.unixSeconds, in: due.job.zone)))
        }
        var wake = now.adding(milliseconds: 30_000)
        if let next = plan.nextDue, next < wake { wake = next }
        now = wake
    }
    return out
}

@Suite struct FirePlanTests {
    @Test func springForwardDayInNewYork() throws {
        let jobs = [
            try job("nightly", "30 2 * * *", zone: "America/New_York"),
            try job("hourly", "30 * * * *", zone: "America/New_York"),
        ]
        let start = try instantAt("2026-03-08T00:00:00", "America/New_York")
        var plan = FirePlan(jobs: jobs, after: start)
        let fires = play(&plan, from: start, until: try instantAt("2026-03-08T05:00:00", "America/New_York"))
        #expect(
            fires.map { "\($0.0) \($0.1)" } == [
                "hourly 2026-03-08T00:30:00-05:00",
                "hourly 2026-03-08T01:30:00-05:00",
                "nightly 2026-03-08T03:00:00-04:00",  // the end of the gap
                "hourly 2026-03-08T03:30:00-04:00",  // 02:30 does not exist: a periodic job skips it
                "hourly 2026-03-08T04:30:00-04:00",
            ])
    }

    @Test func fallBackDayInNewYork() throws {
        let jobs = [
            try job("nightly", "30 1 * * *", zone: "America/New_York"),
            try job("hourly", "30 * * * *", zone: "America/New_York"),
        ]
        let start = try instantAt("2026-11-01T00:00:00", "America/New_York")
        var plan = FirePlan(jobs: jobs, after: start)
        let fires = play(&plan, from: start, until: start.adding(milliseconds: 4 * 3_600_000))
        #expect(
            fires.map { "\($0.0) \($0.1)" } == [
                "hourly 2026-11-01T00:30:00-04:00",
                "hourly 2026-11-01T01:30:00-04:00",
                "nightly 2026-11-01T01:30:00-04:00",  // once, at the first occurrence
                "hourly 2026-11-01T01:30:00-05:00",  // periodic: both occurrences
                "hourly 2026-11-01T02:30:00-05:00",
            ])
    }

    @Test func clockJumpBackDoesNotRepeatFires() throws {
        var plan = FirePlan(jobs: [try job("hourly", "0 * * * *")], after: try instantAt("2026-06-01T09:59:00Z"))
        #expect(plan.takeDue(at: try instantAt("2026-06-01T10:00:00Z")).count == 1)
        // The clock is set back an hour: nothing is due until 11:00 real time.
        #expect(plan.takeDue(at: try instantAt("2026-06-01T09:00:30Z")).isEmpty)
        #expect(plan.takeDue(at: try instantAt("2026-06-01T10:00:00Z")).isEmpty)
        #expect(plan.nextDue == (try instantAt("2026-06-01T11:00:00Z")))
    }

    @Test func clockJumpForwardRunsTheLatestFireOnce() throws {
        var plan = FirePlan(jobs: [try job("hourly", "0 * * * *")], after: try instantAt("2026-06-01T09:59:00Z"))
        let due = plan.takeDue(at: try instantAt("2026-06-01T13:10:00Z"))
        #expect(due.count == 1)
        #expect(due.first?.fire == (try instantAt("2026-06-01T13:00:00Z")))
        #expect(due.first?.coalesced == 3)
        #expect(plan.nextDue == (try instantAt("2026-06-01T14:00:00Z")))
    }

    @Test func threeDayOutageCatchesUpOnce() throws {
        let daily = try job("prizepool", "0 0 * * *", catchup: 86_400_000)
        let fire = FirePlan.catchupFire(
            for: daily, lastRecorded: try instantAt("2026-06-01T00:00:00Z"), now: try instantAt("2026-06-04T10:00:00Z"))
        #expect(fire == (try instantAt("2026-06-04T00:00:00Z")))
        // Nothing missed since the last recorded fire.
        #expect(
            FirePlan.catchupFire(
                for: daily, lastRecorded: try instantAt("2026-06-04T00:00:00Z"),
                now: try instantAt("2026-06-04T10:00:00Z")) == nil)
        // Older than the window.
        let short = try job("short", "0 0 * * *", catchup: 3_600_000)
        #expect(
            FirePlan.catchupFire(
                for: short, lastRecorded: try instantAt("2026-06-01T00:00:00Z"),
                now: try instantAt("2026-06-04T10:00:00Z")) == nil)
        // Catch-up off.
        #expect(
            FirePlan.catchupFire(
                for: try job("off", "0 0 * * *"), lastRecorded: nil, now: try instantAt("2026-06-04T10:00:00Z")) == nil)
    }

    @Test func jitterIsDeterministicAndStaysBeforeTheNextFire() throws {
        let j = try job("noisy", "* * * * *", jitterMs: 600_000)
        let fire = try instantAt("2026-06-01T10:00:00Z")
        let next = try instantAt("2026-06-01T10:01:00Z")
        let a = Jitter.delay(job: j, fire: fire, nextFire: next)
        #expect(a == Jitter.delay(job: j, fire: fire, nextFire: next))
        #expect(a >= 0 && a < 60_000)
        let values = Set(
            (0..<50).map { Jitter.delay(job: j, fire: fire.adding(milliseconds: Int64($0) * 60_000), nextFire: nil) })
        #expect(values.count > 40)  // spread, not constant
        #expect(values.allSatisfy { $0 >= 0 && $0 < 600_000 })
    }

    @Test func reloadKeepsUnchangedJobsNextFire() throws {
        let start = try instantAt("2026-06-01T09:59:00Z")
        var plan = FirePlan(jobs: [try job("a", "0 * * * *"), try job("b", "0 * * * *")], after: start)
        plan.replace(
            jobs: [try job("a", "0 * * * *"), try job("b", "30 * * * *"), try job("c", "15 * * * *")],
            now: try instantAt("2026-06-01T09:59:30Z"))
        let next = Dictionary(plan.entries.map { ($0.job.name, $0.next!) }, uniquingKeysWith: { a, _ in a })
        #expect(next["a"] == (try instantAt("2026-06-01T10:00:00Z")))
        #expect(next["b"] == (try instantAt("2026-06-01T10:30:00Z")))
        #expect(next["c"] == (try instantAt("2026-06-01T10:15:00Z")))
    }
}
