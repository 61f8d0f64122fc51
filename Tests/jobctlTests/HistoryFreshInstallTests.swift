import Foundation
import GRDB
import Testing

/// Issue 15: before the first run there is no history database (nor perhaps its directory).
/// The read commands say so and exit 0; they create nothing.
@Suite(.serialized) struct HistoryFreshInstallTests {
    /// A config whose STATE_DB lies in a directory that does not exist yet.
    static func freshInstall() throws -> (dir: HistoryCLITempDirectory, config: String, state: String) {
        let dir = try HistoryCLITempDirectory()
        let config = dir.file("jobs.conf")
        try """
        TZ=UTC
        STATE_DB=state/jobctl.db
        @daily  backup  command="true"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        return (dir, config, dir.file("state"))
    }

    /// Before: `jobctl history` and `stats` exited 1 with "directory … does not exist".
    @Test func readCommandsBeforeTheFirstRunSayNoExecutionsYetAndCreateNothing() throws {
        let (dir, config, state) = try Self.freshInstall()
        defer { dir.cleanup() }
        for command in [["history"], ["stats"], ["stats", "--since", "7d"], ["history", "--job", "backup"]] {
            let result = try HistoryCLIBinary.run(command + ["--config", config])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(result.stdout.hasPrefix("no executions yet"), "\(command): \(result.stdout)")
            #expect(result.stdout.contains("state/jobctl.db"))
        }
        let json = try HistoryCLIBinary.run(["history", "--config", config, "--json"])
        #expect(json.status == 0)
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any])?.isEmpty == true)
        let statsJSON = try HistoryCLIBinary.run(["stats", "--config", config, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(statsJSON.stdout.utf8)) as? [String: Any])
        #expect((object["jobs"] as? [Any])?.isEmpty == true)
        #expect((object["overall"] as? [String: Any])?["totalExecutions"] as? Int == 0)

        let list = try HistoryCLIBinary.run(["list", "--config", config])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("backup") && list.stdout.contains("never"))

        let metrics = try HistoryCLIBinary.run(["metrics", "--config", config])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        #expect(metrics.stdout.hasPrefix("# HELP jobctl_job_runs_total"))
        // No sample from a history that does not exist; only the config's expectations and the
        // exposition's own timestamp (the alert rules need them before the first run too).
        let fromConfig = ["jobctl_metrics_generated_", "jobctl_job_expected_interval_", "jobctl_job_overdue_after_"]
        let samples = metrics.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(!samples.contains { line in !fromConfig.contains { line.hasPrefix($0) } }, "samples without a history")

        #expect(!FileManager.default.fileExists(atPath: state), "a read command created \(state)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["jobs.conf"])
    }

    /// The directory exists but the file does not: still nothing is created.
    @Test func readCommandsOnAMissingFileCreateNoFile() throws {
        let dir = try HistoryCLITempDirectory()
        defer { dir.cleanup() }
        let db = dir.file("none.db")
        for command in ["history", "stats", "metrics"] {
            let result = try HistoryCLIBinary.run([command, "--state-db", db])
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
