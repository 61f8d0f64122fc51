import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlReports
@testable import JobctlStore
@testable import JobctlTime

@Suite struct HistoryRenderingTests {
    @Test(arguments: [
        (Int64?.none, "-"), (0, "0 ms"), (245, "245 ms"), (999, "999 ms"), (1000, "1.0 s"), (3249, "3.2 s"),
        (59_949, "59.9 s"), (59_950, "1m 00s"), (245_000, "4m 05s"), (3_599_400, "59m 59s"),
        (7_380_000, "2h 03m"),
    ])
    func durations(ms: Int64?, expected: String) {
        #expect(DurationText.readable(milliseconds: ms) == expected)
    }

    @Test(arguments: [
        (Int64(420_000), "0.42"), (1500, "0.0015"), (2_000_000, "2.00"), (1_234_567, "1.234567"), (0, "0.00"),
        (-500_000, "-0.50"), (10_000, "0.01"),
    ])
    func usdc(micro: Int64, expected: String) {
        #expect(USDC.amount(micro: micro) == expected)
    }

    @Test func metricsSummaryNamesCountersAndShowsMoneyAsUSDC() {
        let metrics = JobMetrics(processed: 5, counters: ["pools_finalized": 2, "payout_total": 420_000, "idle": 0])
        let readings = ArcadeJobs.registry.counterReadings
        #expect(metrics.summary(readings) == "5 processed · 2 pools finalized · 0.42 USDC paid")
        let more = JobMetrics(
            processed: 0, created: 1, updated: 2, skipped: 3, counters: ["fees_micro_usdc": 1_500_000])
        let fees = CounterReadings(["fees_micro_usdc": USDC.reading(label: "fees")])
        #expect(more.summary(fees) == "0 processed · 1 created · 2 updated · 3 skipped · 1.50 USDC fees")
    }

    static func records() -> [ExecutionRecord] {
        [
            ExecutionRecord(
                id: 2, job: "prizepool", status: .succeeded, scheduledAt: atSecond(0), startedAt: atSecond(0.5),
                finishedAt: atSecond(3.7),
                durationMs: 3200, latenessMs: 500, attempt: 1, triggeredBy: .schedule, host: "h", pid: 1,
                metrics: JobMetrics(processed: 5, counters: ["pools_finalized": 2, "payout_total": 420_000])),
            ExecutionRecord(
                id: 1, job: "cleanup", status: .failed, scheduledAt: nil, startedAt: atSecond(-60),
                finishedAt: atSecond(-59.755),
                durationMs: 245, attempt: 2, triggeredBy: .manual, triggeredByUser: "ada", host: "h", pid: 2,
                error: "database is locked\nsecond line"),
        ]
    }

    @Test func historyTableShowsZoneTimesTriggersAndSummaries() {
        let zones = ["prizepool": TimeZone(identifier: "America/New_York")]
        let table = HistoryRenderer.table(
            Self.records(), zone: { zones[$0] ?? nil }, readings: ArcadeJobs.registry.counterReadings, color: false)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("STARTED"))
        // 2026-03-08T04:00:00.5Z is 23:00 EST the day before (DST starts at 07:00Z).
        #expect(lines[1].hasPrefix("2026-03-07 23:00:00 -05:00  prizepool"))
        #expect(lines[1].contains("3.2 s") && lines[1].contains("schedule"))
        #expect(lines[1].hasSuffix("5 processed · 2 pools finalized · 0.42 USDC paid"))
        #expect(lines[2].hasPrefix("2026-03-08 03:59:00 +00:00  cleanup"))
        #expect(lines[2].contains("manual (ada)") && lines[2].contains("245 ms"))
        #expect(lines[2].hasSuffix("database is locked"))
        #expect(!table.contains("\u{1B}"))
        let colored = HistoryRenderer.table(Self.records(), readings: ArcadeJobs.registry.counterReadings, color: true)
        #expect(colored.contains("\u{1B}[32msucceeded\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[31mfailed\u{1B}[0m"))
        #expect(HistoryRenderer.table([], readings: CounterReadings(), color: false) == "no executions\n")
    }

    @Test func historyJSONHasStableFieldsAndNulls() throws {
        let json = try HistoryRenderer.json(Self.records())
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        for object in array {
            #expect(object.keys.sorted() == ExecutionJSON.fieldNames)
        }
        #expect(
            ExecutionJSON.fieldNames == [
                "attempt", "durationMs", "error", "finishedAt", "host", "id", "job", "latenessMs", "metrics", "output",
                "pid", "scheduledFor", "startedAt", "status", "triggeredBy", "user",
            ])
        let first = array[0]
        #expect(first["id"] as? Int == 2)
        #expect(first["scheduledFor"] as? String == "2026-03-08T04:00:00.000Z")
        #expect(first["startedAt"] as? String == "2026-03-08T04:00:00.500Z")
        #expect(first["finishedAt"] as? String == "2026-03-08T04:00:03.700Z")
        #expect(first["durationMs"] as? Int == 3200)
        #expect(first["triggeredBy"] as? String == "schedule")
        #expect(first["user"] is NSNull && first["error"] is NSNull)
        let metrics = try #require(first["metrics"] as? [String: Any])
        #expect(metrics["processed"] as? Int == 5)
        let second = array[1]
        #expect(second["scheduledFor"] is NSNull && second["metrics"] is NSNull)
        #expect(second["user"] as? String == "ada")
        #expect(second["status"] as? String == "failed")
        // Sorted keys, pretty-printed: the text is stable.
        #expect(json.hasPrefix("[\n  {\n    \"attempt\" : 1,\n"))
        // The DTO decodes back (the HTTP API reads it).
        let decoded = try JSONDecoder().decode([ExecutionJSON].self, from: Data(json.utf8))
        #expect(decoded == Self.records().map(ExecutionJSON.init))
    }

    @Test func rfc3339IsUTCWithMilliseconds() {
        #expect(HistoryTime.rfc3339(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(HistoryTime.rfc3339(Date(timeIntervalSince1970: 1.234)) == "1970-01-01T00:00:01.234Z")
        #expect(HistoryTime.rfc3339(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(HistoryTime.milliseconds(Date(timeIntervalSince1970: 1.234)) == 1234)
    }

    @Test(arguments: [
        ("24h", -86_400.0), ("7d", -604_800), ("90s", -90), ("1h30m", -5400), ("2w", -1_209_600), ("500ms", -0.5),
        ("2026-03-08T04:00:10Z", 10), ("2026-03-07T23:00:00-05:00", 0), ("2026-03-08T04:00:00.250Z", 0.25),
    ])
    func sinceAcceptsDurationsAndRFC3339(text: String, offset: Double) throws {
        let date = try #require(HistorySince.parse(text, now: historyBase))
        #expect(abs(date.timeIntervalSince(historyBase) - offset) < 0.0005)
    }

    @Test(arguments: ["", "h", "24", "24x", "yesterday", "2026-03-08", "1h30", "-5m"])
    func sinceRejectsOtherText(text: String) {
        #expect(HistorySince.parse(text, now: historyBase) == nil)
    }
}
