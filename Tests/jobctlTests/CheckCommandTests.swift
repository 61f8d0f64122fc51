import Foundation
import Testing

@Suite struct CheckCommandTests {
    @Test func printsEveryErrorWithLocationAndExits2() throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try """
        # two bad lines and a good one
        0 60 * * * tick command="true"
        */5 * * * * tock command="true" overlap=sometimes
        @hourly fine command="true"
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "--config", config.path])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("\(config.path):2:3: error: hour: 60 is out of range 0-23"))
        #expect(lines.contains("\(config.path):3:41: error: overlap: 'sometimes' is not one of skip, queue, allow"))
        #expect(lines.contains("  ^~"))
        #expect(!result.stderr.contains("Fatal"))
    }

    @Test func printsTheJobTable() throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try """
        TZ=America/New_York
        30 2 * * * nightly command="true"
        */15 * * * * often command="true" tz=Europe/London
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "--config", config.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 jobs, no errors"))
        #expect(result.stdout.contains("nightly"))
        #expect(result.stdout.contains("America/New_York (TZ=)"))
        #expect(result.stdout.contains("Europe/London (tz=)"))
    }

    @Test func missingConfigIsAnError() throws {
        let result = try Binary.run(["check", "--config", "/nonexistent/jobs.conf"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/jobs.conf:1:1: error: cannot read config: no such file"))
    }
}
