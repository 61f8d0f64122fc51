import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlDevSupport
@testable import JobctlRunning
@testable import JobctlTime

/// `_run-builtin --option` had a parser of its own: it refused `2w` and the config's booleans
/// (`yes`, `on`, `1`, any case), took `0s` as a duration, and worded its errors differently.
/// It now shares `OptionValueParser` with the config.
@Suite struct OptionValueParserTests {
    let reader = ConfigReader(
        path: "jobs.conf", machineZone: ZoneRules(identifier: "UTC")!, catalog: ArcadeJobs.registry.catalog)

    /// The options the config gives the built-in job on `line`, or its first error's message.
    func configOptions(_ line: String) -> Result<[String: JobOptionValue], ConfigProblem> {
        do {
            let config = try reader.parse("APP_DB=a.db\n" + line)
            guard case .builtin(_, let options)? = config.jobs.first?.action else { return .success([:]) }
            return .success(options)
        } catch {
            return .failure(error.errors[0].problem)
        }
    }

    func runBuiltinOptions(
        _ pairs: [String], _ job: any BuiltinJob.Type
    ) -> Result<[String: JobOptionValue], DirectRun.OptionError> {
        do {
            return .success(try DirectRun.parseOptions(pairs, for: BuiltinJobKind(job)))
        } catch let error as DirectRun.OptionError {
            return .failure(error)
        } catch {
            return .failure(DirectRun.OptionError(description: "\(error)"))
        }
    }

    static let accepted: [(line: String, pair: String, key: String, value: JobOptionValue)] = [
        (
            "@daily c job=cleanup archive_after=2w", "archive_after=2w", "archive_after",
            .duration(milliseconds: 1_209_600_000)
        ),
        (
            "@daily l job=leaderboard fail_on_anomalies=YES", "fail_on_anomalies=YES",
            "fail_on_anomalies", .boolean(true)
        ),
        ("@daily l job=leaderboard fail_on_anomalies=on", "fail_on_anomalies=on", "fail_on_anomalies", .boolean(true)),
        ("@daily l job=leaderboard fail_on_anomalies=0", "fail_on_anomalies=0", "fail_on_anomalies", .boolean(false)),
    ]

    @Test func runBuiltinRefusedWeeksAndTheConfigsBooleans() throws {
        for c in Self.accepted {
            let job: any BuiltinJob.Type = c.key == "archive_after" ? CleanupJob.self : LeaderboardJob.self
            #expect(try configOptions(c.line).get()[c.key] == c.value, "\(c.line)")
            #expect(try runBuiltinOptions([c.pair], job).get()[c.key] == c.value, "\(c.pair)")
        }
    }

    @Test(arguments: ["session_expiry=0s", "session_expiry=0", "batch_size=0", "archive_after=1y"])
    func runBuiltinWordsItsRefusalsAsTheConfigDoes(pair: String) throws {
        guard case .failure(let problem) = configOptions("@daily c job=cleanup \(pair)") else {
            Issue.record("the config accepted \(pair)")
            return
        }
        guard case .failure(let error) = runBuiltinOptions([pair], CleanupJob.self) else {
            Issue.record("_run-builtin accepted \(pair)")
            return
        }
        #expect(error.description == problem.message)
        #expect(error.description.hasPrefix(String(pair.prefix { $0 != "=" }) + ": "))
    }
}
