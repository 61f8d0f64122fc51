import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig
import JobctlReports
import JobctlStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show executions, newest first.")

    @OptionGroup var database: StateDatabaseOptions
    @Option(help: "Show at most this many executions.") var limit: Int = 20
    @Option(help: "Only this job.") var job: String?
    @Option(help: "Only this status: \(ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", ")).") var status:
        String?
    @Option(help: "Only executions that started since: RFC 3339, or a duration back from now (24h, 7d).") var since:
        String?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        guard limit >= 0 else { throw HistoryCLI.fail("--limit must not be negative", code: 2) }
        var statusFilter: ExecutionStatus?
        if let status {
            guard let parsed = ExecutionStatus(rawValue: status) else {
                throw HistoryCLI.fail(
                    "--status: unknown status \"\(status)\" (one of \(ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", ")))",
                    code: 2)
            }
            statusFilter = parsed
        }
        let sinceDate = try HistoryCLI.since(since)
        let resolved = try database.resolve()
        try HistoryCLI.run {
            guard let store = try StateStoreOpener.openForReading(resolved.path, config: resolved.config) else {
                HistoryCLI.write(json ? try HistoryRenderer.json([]) : HistoryCLI.noExecutionsYet(resolved.path))
                return
            }
            let records = try store.executions(
                HistoryFilter(limit: limit, job: job, status: statusFilter, since: sinceDate))
            HistoryCLI.write(
                json
                    ? try HistoryRenderer.json(records)
                    : HistoryRenderer.table(
                        records, zone: resolved.zone, readings: ArcadeJobs.registry.counterReadings,
                        color: HistoryCLI.stdoutIsTerminal))
        }
    }
}
