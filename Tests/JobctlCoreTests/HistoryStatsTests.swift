import Foundation
import Testing

@testable import JobctlReports
@testable import JobctlStore

@Suite struct HistoryStatsTests {
    /// backup: 8 executions of every kind; report: 3 successes.
    static func knownHistory(_ store: HistoryStore) throws {
        try store.recordRun("backup", fire: 0, lateness: 1, duration: 10, status: .succeeded)
        try store.recordRun("backup", fire: 60, lateness: 3, duration: 20, status: .failed, error: "boom")
        try store.recordRun("backup", fire: 120, duration: 30, status: .succeeded)
        try store.recordRun("backup", fire: 180, lateness: 2, duration: 40, status: .partial)
        try store.recordRun("backup", fire: 240, duration: 50, status: .timedOut)
        _ = try store.recordSkipped(executionStart("backup", fire: 300), reason: "lock held")
        _ = try store.begin(executionStart("backup", fire: 360, startedAfter: 4, pid: 77))
        _ = try store.recoverInterrupted(now: atSecond(1000)) { _ in true }
        let manual = try #require(
            try store.begin(executionStart("backup", fire: nil, startedAfter: 400, trigger: .manual, user: "ada")))
        try store.finish(
            id: manual, status: .failed, finishedAt: atSecond(405), metrics: nil, error: "exit 1", output: nil)
        for (i, seconds) in [1.0, 2, 3].enumerated() {
            try store.recordRun("report", fire: 1000 + Double(i) * 60, duration: seconds, status: .succeeded)
        }
    }

    @Test func statsOfAKnownHistory() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.knownHistory(store)
        let stats = try store.stats(job: nil, since: nil)
        #expect(stats.jobs.map(\.job) == ["backup", "report"])
        let backup = stats.jobs[0]
        #expect(backup.runs == 8)
        #expect(backup.succeeded == 2)
        #expect(backup.failed == 4)  // failed ×2, timed_out, interrupted
        #expect(backup.partial == 1)
        #expect(backup.skipped == 1)
        #expect(backup.running == 0)
        #expect(backup.successRate == 2.0 / 7.0)
        // Durations 5, 10, 20, 30, 40, 50 s (skipped and interrupted have none). The median comes
        // from the histogram (within 1/128); the top rank is the exact maximum.
        #expect(isWithinHistogramPrecision(backup.durationP50Ms, of: 20_000))
        #expect(backup.durationP95Ms == 50_000)
        #expect(backup.durationMaxMs == 50_000)
        // Lateness of scheduled runs that started: 1, 3, 0, 2, 0, 4 s.
        #expect(backup.latenessMeanMs == 10_000.0 / 6.0)
        #expect(backup.latenessMaxMs == 4000)
        #expect(backup.lastSuccess == atSecond(150))
        #expect(backup.lastFailure == atSecond(405))
        #expect(backup.consecutiveFailures == 3)  // timed_out, interrupted, failed after the success at 120 s

        let report = stats.jobs[1]
        #expect(report.runs == 3 && report.succeeded == 3 && report.successRate == 1)
        #expect(isWithinHistogramPrecision(report.durationP50Ms, of: 2000) && report.durationP95Ms == 3000)
        #expect(report.consecutiveFailures == 0)
        #expect(report.lastFailure == nil)

        let overall = stats.overall
        #expect(overall.job == nil)
        #expect(overall.runs == 11 && overall.succeeded == 5 && overall.failed == 4)
        #expect(overall.successRate == 0.5)
        #expect(overall.durationMaxMs == 50_000)
        #expect(overall.durationP50Ms == nil)
        #expect(overall.latenessMeanMs == 10_000.0 / 9.0)
        #expect(overall.lastSuccess == atSecond(1123))
        #expect(overall.lastFailure == atSecond(405))
        #expect(overall.consecutiveFailures == nil)
    }

    @Test func statsSinceCountsTheWindowButNotTheCurrentState() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.knownHistory(store)
        let stats = try store.stats(job: "backup", since: atSecond(200))
        #expect(stats.since == atSecond(200))
        #expect(stats.jobs.count == 1)
        let backup = stats.jobs[0]
        #expect(backup.runs == 4 && backup.failed == 3 && backup.skipped == 1 && backup.succeeded == 0)
        #expect(backup.successRate == 0)
        #expect(isWithinHistogramPrecision(backup.durationP50Ms, of: 5000) && backup.durationP95Ms == 50_000)
        #expect(backup.lastSuccess == atSecond(150))
        #expect(backup.consecutiveFailures == 3)
        #expect(stats.overall.runs == 4)
    }

    /// Below 128 ms every duration has its own bucket: percentiles are exact.
    @Test func percentilesAreNearestRank() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        var durations = Array(1...100)
        durations.shuffle()
        for (i, ms) in durations.enumerated() {
            try store.recordRun("job", fire: Double(i) * 60, duration: Double(ms) / 1000, status: .succeeded)
        }
        let job = try store.stats(job: "job", since: nil).jobs[0]
        #expect(job.durationP50Ms == 50)
        #expect(job.durationP95Ms == 95)
        #expect(job.durationMaxMs == 100)
        #expect(DurationHistogram.rank(0.5, of: 1) == 1 && DurationHistogram.rank(0.95, of: 1) == 1)
        #expect(DurationHistogram.rank(0.95, of: 20) == 19)
    }

    @Test func anEmptyHistoryHasNoStats() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let stats = try HistoryStore(path: dir.file("h.db")).stats(job: nil, since: nil)
        #expect(stats.jobs.isEmpty)
        #expect(stats.overall.runs == 0 && stats.overall.successRate == nil)
    }

    @Test func statsJSONHasStableCamelCaseFields() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.knownHistory(store)
        let json = try HistoryRenderer.statsJSON(try store.stats(job: nil, since: nil))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["since", "jobs", "overall", "warnings", "pauses"])
        let jobs = try #require(object["jobs"] as? [[String: Any]])
        let backup = jobs[0]
        #expect(
            Set(backup.keys) == [
                "job", "totalExecutions", "successfulExecutions", "failedExecutions", "partialExecutions",
                "skippedExecutions", "runningExecutions", "successRate", "durationP50Ms", "durationP95Ms",
                "durationMaxMs",
                "latenessMeanMs", "latenessMaxMs", "lastSuccessAt", "lastFailureAt", "consecutiveFailures",
            ])
        #expect(backup["totalExecutions"] as? Int == 8)
        #expect(backup["successfulExecutions"] as? Int == 2)
        #expect(backup["failedExecutions"] as? Int == 4)
        #expect(backup["successRate"] as? Double == 0.2857)
        #expect(backup["lastSuccessAt"] as? String == "2026-03-08T04:02:30.000Z")
        let overall = try #require(object["overall"] as? [String: Any])
        #expect(overall["job"] is NSNull)
        #expect(overall["durationP50Ms"] is NSNull)
        #expect(object["since"] is NSNull)
    }

    @Test func statsTableHasOneLinePerJobAndAnOverallLine() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try Self.knownHistory(store)
        let table = HistoryRenderer.statsTable(try store.stats(job: nil, since: nil), color: false)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("JOB"))
        #expect(lines[1].hasPrefix("backup") && lines[1].contains("28.6%") && lines[1].contains("50.0 s"))
        #expect(lines[3].hasPrefix("(all)") && lines[3].contains("50.0%"))
        #expect(!table.contains("\u{1B}"))
        #expect(HistoryRenderer.statsTable(try store.stats(job: nil, since: nil), color: true).contains("\u{1B}[31m"))
    }
}

/// A percentile read from the duration histogram: within 1/128 of the exact value, exact below
/// 128 ms (`DurationHistogram`).
func isWithinHistogramPrecision(_ reported: Int64?, of exact: Int64) -> Bool {
    guard let reported else { return false }
    if exact > -128 && exact < 128 { return reported == exact }
    // In magnitudes: Int64.min has no absolute value.
    let difference = reported > exact ? UInt64(bitPattern: reported &- exact) : UInt64(bitPattern: exact &- reported)
    return difference <= exact.magnitude / 128
}
