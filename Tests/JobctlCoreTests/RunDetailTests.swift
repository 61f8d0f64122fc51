import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// `jobctl show`'s renderings of one run (issue 12).
@Suite struct RunDetailTests {
    static let fire = Date(timeIntervalSince1970: 1_772_942_400)

    static func record(_ id: Int64, output: String?, metrics: JobMetrics? = nil) -> ExecutionRecord {
        ExecutionRecord(
            id: id, job: "prizepool", status: .partial, scheduledAt: fire, startedAt: fire + 0.25,
            finishedAt: fire + 2.5, durationMs: 2250, latenessMs: 250, attempt: 1, triggeredBy: .schedule,
            host: "arcade-1", pid: 4242, metrics: metrics, error: "pool 9: \u{1B}]52;c;evil\u{07}\nsecond line",
            output: output)
    }

    @Test func theJSONIsTheHistoryObjectPlusTheOtherAttemptsFlat() throws {
        let detail = RunDetail(execution: Self.record(7, output: nil), otherAttempts: [Self.record(6, output: "x")])
        let json = try HistoryRenderer.runJSON(detail)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == Set(ExecutionJSON.fieldNames + RunDetailJSON.extraFieldNames))
        #expect(object["output"] is NSNull && object["scheduledFor"] as? String == "2026-03-08T04:00:00.000Z")
        #expect((object["otherAttempts"] as? [[String: Any]])?.map { $0["id"] as? Int } == [6])
        #expect(object["redacted"] as? Bool == false)
    }

    @Test func showNeverWritesAControlCharacterOfTheRunToTheTerminal() {
        let metrics = JobMetrics(processed: 3, counters: ["payout_total": 1_432_263_000, "pools_finalized": 3])
        let detail = RunDetail(
            execution: Self.record(7, output: "ok\n\u{1B}[2Jcleared\r\nend\n", metrics: metrics), otherAttempts: [])
        let text = RunDetailText.render(detail, zone: nil, readings: ArcadeJobs.registry.counterReadings)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(text.contains("error\n    pool 9: \\x1b]52;c;evil\\x07\n    second line\n"))
        #expect(text.contains("output (the last 4 KiB recorded)\n    ok\n    \\x1b[2Jcleared\\r\n    end\n"))
        #expect(text.contains("payout_total     1432.263 USDC (1432263000 micro-USDC)"))
        #expect(text.contains("other attempts of this fire\n    none\n"))
        #expect(text.contains("duration   2.2 s (2250 ms)"))
    }
}
