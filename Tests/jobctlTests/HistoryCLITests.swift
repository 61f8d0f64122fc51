import Foundation
import Testing

/// Runs the built `jobctl` binary (`swift build` first; `swift test` builds it).
enum HistoryCLIBinary {
    static let packageRoot = Binary.packageRoot
    static var binary: String { Binary.path }

    typealias Result = Binary.Result

    static func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) { try Binary.start(arguments) }
    static func finish(_ started: (Process, Pipe, Pipe)) -> Result { Binary.finish(started) }
    static func run(_ arguments: [String]) throws -> Result { try Binary.run(arguments) }
}

struct HistoryCLITempDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite(.serialized) struct HistoryCLITests {
    @Test func theBinaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: HistoryCLIBinary.binary), "run `swift build` first")
    }

    /// Two processes record the same fire at the same moment, 20 times (the first time they also
    /// create the database together): each time exactly one gets an id.
    @Test func twoProcessesRacingForAFireRecordItOnce() throws {
        let dir = try HistoryCLITempDirectory()
        defer { dir.cleanup() }
        let db = dir.file("race.db")
        var ids: Set<Int> = []
        for i in 0..<20 {
            let fire = String(1_772_942_400_000 + i * 60_000)
            let arguments = ["_history-begin", "--state-db", db, "--job", "backup", "--scheduled-ms", fire]
            let a = try DevBinary.start(arguments)
            let b = try DevBinary.start(arguments)
            let results = [HistoryCLIBinary.finish(a), HistoryCLIBinary.finish(b)]
            for result in results {
                #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
            }
            let outputs = results.map { $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(outputs.filter { $0 == "duplicate" }.count == 1, "iteration \(i): \(outputs)")
            ids.formUnion(outputs.compactMap { Int($0) })
        }
        #expect(ids.count == 20)
        let history = try HistoryCLIBinary.run(["history", "--state-db", db, "--limit", "100", "--json"])
        #expect(history.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 20)
        #expect(rows?.allSatisfy { $0["status"] as? String == "running" } == true)
    }

    @Test func historyStatsAndMetricsReadASeededDatabase() throws {
        let dir = try HistoryCLITempDirectory()
        defer { dir.cleanup() }
        let db = dir.file("h.db")
        #expect(try DevBinary.run(["_history-seed", "--state-db", db, "--rows", "30"]).status == 0)

        let table = try HistoryCLIBinary.run(["history", "--state-db", db, "--limit", "4"])
        #expect(table.status == 0)
        #expect(table.stdout.split(separator: "\n").count == 5)
        #expect(!table.stdout.contains("\u{1B}"), "colour on a pipe")

        let json = try HistoryCLIBinary.run([
            "history", "--state-db", db, "--job", "backup", "--limit", "100", "--json",
        ])
        #expect(json.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0["job"] as? String == "backup" })

        let since = try HistoryCLIBinary.run([
            "history", "--state-db", db, "--since", "2000-01-01T00:00:00Z", "--status", "succeeded", "--json",
        ])
        #expect(since.status == 0, "\(since.stderr)")

        let stats = try HistoryCLIBinary.run(["stats", "--state-db", db, "--json", "--since", "3650d"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let overall = try #require(object["overall"] as? [String: Any])
        #expect(overall["totalExecutions"] as? Int == 30)
        #expect((object["jobs"] as? [Any])?.count == 5)

        let statsTable = try HistoryCLIBinary.run(["stats", "--state-db", db])
        #expect(statsTable.status == 0 && statsTable.stdout.contains("(all)"))

        let prom = dir.file("jobctl.prom")
        let metrics = try HistoryCLIBinary.run(["metrics", "--state-db", db, "--output", prom])
        #expect(metrics.status == 0 && metrics.stdout.isEmpty)
        let text = try String(contentsOfFile: prom, encoding: .utf8)
        #expect(text.hasPrefix("# HELP jobctl_job_runs_total"))
        let stdoutMetrics = try HistoryCLIBinary.run(["metrics", "--state-db", db])
        // The same but for the moment each was generated at.
        let withoutTime = { (text: String) in
            text.split(separator: "\n").filter { !$0.hasPrefix("jobctl_metrics_generated_timestamp_seconds ") }
        }
        #expect(withoutTime(stdoutMetrics.stdout) == withoutTime(text))
    }

    @Test func databaseProblemsAreOneLineAndExitOne() throws {
        let dir = try HistoryCLITempDirectory()
        defer { dir.cleanup() }
        // A missing file or directory is a fresh install, not a problem (HistoryFreshInstallTests).
        let corrupt = dir.file("corrupt.db")
        let garbage = Data("this is not a database, just some text that is long enough\n".utf8)
        try garbage.write(to: URL(fileURLWithPath: corrupt))
        for command in ["history", "stats", "metrics"] {
            let result = try HistoryCLIBinary.run([command, "--state-db", corrupt])
            #expect(result.status == 1)
            #expect(result.stderr.contains(corrupt) && result.stderr.contains("file is not a database"))
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: corrupt)) == garbage)
    }

    @Test func readCommandsWorkOnAFileTheyMayNotWrite() throws {
        let dir = try HistoryCLITempDirectory()
        defer { dir.cleanup() }
        let db = dir.file("h.db")
        #expect(try DevBinary.run(["_history-seed", "--state-db", db, "--rows", "10"]).status == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for command in ["history", "stats", "metrics"] {
            let result = try HistoryCLIBinary.run([command, "--state-db", db])
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        let write = try DevBinary.run(["_history-begin", "--state-db", db, "--job", "x", "--scheduled-ms", "0"])
        #expect(write.status == 1 && write.stderr.contains("read-only"))
    }

    @Test(arguments: [
        ["history", "--status", "exploded"], ["history", "--since", "yesterday"], ["stats", "--since", "7 days"],
        ["history", "--limit=-1"],
    ])
    func badUsageExitsTwo(arguments: [String]) throws {
        let dir = try HistoryCLITempDirectory()
        defer { dir.cleanup() }
        let result = try HistoryCLIBinary.run(arguments + ["--state-db", dir.file("h.db")])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
