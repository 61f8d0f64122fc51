import Foundation
import Testing

/// A throw-away PostgreSQL cluster started by `scripts/pg-test-cluster.sh`, one per suite
/// (see `PostgresClusterTrait`), in a fresh temp directory, removed when the suite ends.
///
/// The tests need a real server: when none can be started (not installed, no `postgres`
/// user) the suite FAILS with the script's message — it never skips.
final class PostgresTestCluster: Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = packageRoot.appendingPathComponent("scripts/pg-test-cluster.sh").path

    /// The cluster of the running suite.
    @TaskLocal static var current: PostgresTestCluster?

    let directory: String
    let url: String

    private init(directory: String, url: String) {
        self.directory = directory
        self.url = url
    }

    static func require() throws -> PostgresTestCluster {
        guard let current else {
            throw ClusterError("no PostgreSQL test cluster: put the suite under the .postgresCluster trait")
        }
        return current
    }

    /// Runs `start` in a new temp directory. The script leaves a watcher that stops the
    /// cluster if this test process dies before `stop()`.
    static func start() throws -> PostgresTestCluster {
        var template = Array("/tmp/jobctl-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ClusterError("mkdtemp failed: errno \(errno)") }
        let directory = String(cString: made)
        let began = ContinuousClock.now
        let result = run(["start", directory])
        guard result.status == 0, let url = result.stdout.split(separator: "\n").last.map(String.init) else {
            _ = run(["stop", directory])
            throw ClusterError(
                "could not start a PostgreSQL test cluster (the PostgreSQL tests need a real server; "
                    + "`make pg-deps` installs it): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        log("PostgreSQL test cluster started in \(began.duration(to: .now)) at \(url)")
        return PostgresTestCluster(directory: directory, url: url)
    }

    func stop() {
        let began = ContinuousClock.now
        let result = Self.run(["stop", directory])
        Self.log("PostgreSQL test cluster stopped in \(began.duration(to: .now)) (exit \(result.status))")
    }

    /// Crash-stops the server and starts it again on the same port (`restart`).
    func restart() throws {
        let result = Self.run(["restart", directory])
        guard result.status == 0 else { throw ClusterError("restart failed: \(result.stderr)") }
    }

    /// Starts PgBouncer in transaction mode in front of the cluster; returns its URL.
    func pgbouncerURL() throws -> String {
        let result = Self.run(["pgbouncer", directory])
        guard result.status == 0, let url = result.stdout.split(separator: "\n").last.map(String.init) else {
            throw ClusterError("could not start PgBouncer (`make pg-deps` installs it): \(result.stderr)")
        }
        return url
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], ownerPID: pid_t = getpid()) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [script] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PG_TEST_OWNER_PID"] = String(ownerPID)
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            return Output(status: -1, stdout: "", stderr: "cannot run \(script): \(error)")
        }
        let errReader = PipeReader(err)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        // Not waitUntilExit(): it would wait forever if a daemon kept a descriptor Foundation
        // watches (see clusterDaemonsDoNotInheritTheCallersDescriptors); 60 s is a hang guard.
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard !process.isRunning else {
            let problem = "\(arguments) did not end within 60 s (a daemon kept an inherited descriptor?)"
            return Output(status: -1, stdout: "", stderr: problem)
        }
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: errReader.wait())
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Starts one cluster around a whole suite and stops it when the suite ends, failed or not.
struct PostgresClusterTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let cluster = try PostgresTestCluster.start()
        defer { cluster.stop() }
        try await PostgresTestCluster.$current.withValue(cluster) { try await function() }
    }
}

extension Trait where Self == PostgresClusterTrait {
    /// A throw-away PostgreSQL cluster for the suite: `PostgresTestCluster.require()`.
    static var postgresCluster: Self { Self() }
}

/// Reads a pipe to its end on its own thread, so a full stderr never blocks the child.
private final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()  // written once by the reader thread, before `done` signals

    init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
