import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig
import JobctlDevSupport
import JobctlRunning
import JobctlTime
import Logging

/// `jobctl-dev _run-builtin JOB`: runs one built-in job directly (no scheduler, lock or history)
/// and prints its report as JSON. Exit 0 succeeded, 1 failed or partial. For tests.
struct RunBuiltinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_run-builtin", abstract: "Run one built-in job directly (for tests).")

    @Argument var job: String
    @Option(name: .customLong("app-db")) var appDB: String
    @Option(help: "The run's clock, RFC 3339 (default: the real clock).") var now: String?
    @Option var tz: String = "UTC"
    @Option(name: .customLong("option"), help: "key=value") var options: [String] = []
    @Option(name: .customLong("log-level")) var logLevel: String = "info"

    func run() async throws {
        func fail(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("jobctl: error: \(message)\n".utf8))
            return ExitCode(2)
        }
        let registry = ArcadeJobs.registry
        guard let kind = registry.kind(named: job) else { throw fail("unknown built-in job '\(job)'") }
        guard let zone = try? Zones.named(tz) else { throw fail("unknown time zone '\(tz)'") }
        let clock: @Sendable () -> Date
        if let now {
            guard let ms = TimeText.instantMilliseconds(now) else { throw fail("--now: '\(now)' is not RFC 3339") }
            let fixed = Date(timeIntervalSince1970: Double(ms) / 1000)
            clock = { fixed }
        } else {
            clock = { Date() }
        }
        let parsed: [String: JobOptionValue]
        do { parsed = try DirectRun.parseOptions(options, for: kind) } catch { throw fail("\(error)") }
        guard let instance = registry.make(job, options: parsed) else { throw fail("unknown built-in job '\(job)'") }
        var logger = Logger(label: "jobctl.\(job)") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let context = JobContext(
            appDatabasePath: appDB, logger: logger, zone: zone, scheduledAt: nil, now: clock)
        let report = await DirectRun.run(instance, context: context)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        if report.status != "succeeded" {
            FileHandle.standardError.write(Data("jobctl: \(job) \(report.status): \(report.error ?? "")\n".utf8))
            throw ExitCode(1)
        }
    }
}
