import Foundation
import Testing

/// `JOBCTL_CLOCK_OFFSET` (the skew seam of the tests, docs/commands.md#environment) through the
/// real binary.
@Suite struct ClockOffsetTests {
    @Test(arguments: ["5", "5x", "--5s", "+-5s", "25h", "5 s", "", "1.5s", "99999999999s"])
    func aClockOffsetThatIsNotAnOffsetIsAUsageErrorOnOneLine(_ value: String) throws {
        let result = try Binary.run(["next", "* * * * *"], environment: ["JOBCTL_CLOCK_OFFSET": value])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jobctl: error: JOBCTL_CLOCK_OFFSET="), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    }

    /// A job that names the variable in `env=` still does not get it, and the run recorded on
    /// SQLite starts at the shifted time (2 h ahead).
    @Test func theClockOffsetShiftsTheSchedulersClockAndNeverReachesAJob() throws {
        let (dir, config, _) = try PauseCommandTests.setUp(
            #"@daily probe command="echo offset=${JOBCTL_CLOCK_OFFSET:-unset}" env=JOBCTL_CLOCK_OFFSET"#)
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Date()
        let trigger = try Binary.run(
            ["trigger", "probe", "--config", config], environment: ["JOBCTL_CLOCK_OFFSET": "+2h"])
        #expect(trigger.status == 0, "\(trigger.stderr)")
        #expect(trigger.stderr.contains("offset=unset"), "\(trigger.stderr)")
        let history = try Binary.run(["history", "--config", config, "--json"])
        let runs = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]]
        let started = (runs?.first?["startedAt"] as? String).flatMap(Self.instant)
        let ahead = try #require(started, "\(history.stdout)").timeIntervalSince(before)
        #expect(ahead > 7_000 && ahead < 7_400, "started \(ahead) s after the real now")
    }

    /// RFC 3339 with or without fractional seconds.
    static func instant(_ text: String) -> Date? {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
