import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `make run-cluster` (scripts/run-cluster.sh) starts PostgreSQL and three nodes, and SIGINT
/// (Ctrl-C) leaves no process and no directory behind.
@Suite struct RunClusterScriptTests {
    struct Findings: Sendable {
        var output = ""
        var ready = false
        var exit: Int32?
        var pids: [pid_t] = []
        var directories: [String] = []
        var leftProcesses: [pid_t] = []
        var leftDirectories: [String] = []
    }

    @Test func runClusterStartsThreeNodesAndCtrlCLeavesNothingBehind() async throws {
        if let staleness = Binary.staleness { throw Binary.StaleBinary(description: staleness) }
        let found = try await offPool { try Self.startAndInterrupt() }
        try #require(found.ready, "\(found.output)")
        #expect(found.pids.count == 4, "three nodes and the postmaster: \(found.pids)\n\(found.output)")
        #expect(found.directories.count == 2, "\(found.output)")
        #expect(found.exit == 130, "\(found.output)")
        #expect(found.leftProcesses.isEmpty, "still running: \(found.leftProcesses)\n\(found.output)")
        #expect(found.leftDirectories.isEmpty, "not removed: \(found.leftDirectories)\n\(found.output)")
    }

    static func startAndInterrupt() throws -> Findings {
        let log = try Binary.temporaryDirectory().appendingPathComponent("run-cluster.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log.deletingLastPathComponent()) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Binary.packageRoot.appendingPathComponent("scripts/run-cluster.sh").path]
        var environment = ProcessInfo.processInfo.environment
        environment["JOBCTL_BIN"] = Binary.path
        environment["RUN_CLUSTER_HTTP"] = "127.0.0.1:0"
        environment["RUN_CLUSTER_SESSIONS"] = "2000"
        environment["JOBCTL_CONFIG"] = nil
        process.environment = environment
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var found = Findings()
        let read = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let end = Date().addingTimeInterval(90)
        while Date() < end, process.isRunning, !read().contains("Ctrl-C stops") { usleep(100_000) }
        found.ready = read().contains("Ctrl-C stops")
        found.output = read()
        found.pids = Self.pids(in: found.output)
        found.directories = Self.directories(in: found.output)
        if let pg = found.directories.last, let postmaster = Self.postmaster(in: pg) { found.pids.append(postmaster) }
        kill(process.processIdentifier, SIGINT)
        let stop = Date().addingTimeInterval(30)
        while process.isRunning, Date() < stop { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        } else {
            found.exit = process.terminationStatus
        }
        usleep(200_000)
        found.output = read()
        found.leftProcesses = found.pids.filter(ClusterDatabase.isRunning)
        found.leftDirectories = found.directories.filter { FileManager.default.fileExists(atPath: $0) }
        return found
    }

    /// The node pids of the "node N  pid P" lines.
    static func pids(in output: String) -> [pid_t] {
        output.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count > 3, words[0] == "node", words[2] == "pid" else { return nil }
            return pid_t(words[3])
        }
    }

    /// The two directories of the line "Ctrl-C stops … removes DIR and PG_DIR."
    static func directories(in output: String) -> [String] {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("Ctrl-C stops") }) else { return [] }
        return line.split(separator: " ").filter { $0.hasPrefix("/tmp/") }.map {
            String($0.hasSuffix(".") ? $0.dropLast() : $0)
        }
    }

    static func postmaster(in directory: String) -> pid_t? {
        let text = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8)
        return text?.split(separator: "\n").first.flatMap { pid_t($0) }
    }
}
