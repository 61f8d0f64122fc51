import Foundation
import JobctlPostgres

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh database in the suite's throw-away cluster for one several-hosts scenario: a
/// directory with its `jobs.conf`, the job script the scenario's commands run, and independent
/// SQL over a direct connection (never through the nodes' PgBouncer). Used on one thread.
final class ClusterDatabase {
    let directory: URL
    /// The direct URL of the database (`postgresql://postgres@127.0.0.1:PORT/NAME`).
    let url: String
    let name: String
    private(set) var connection: PostgresConnection

    /// Creates the database; `stateURL` turns the direct URL into the one the nodes use
    /// (PgBouncer's), `header` goes above the job lines (`LEASE=3s`, …).
    init(
        in cluster: PostgresTestCluster, jobs: [String], header: [String] = [],
        stateURL: (String) throws -> String = { $0 }
    ) throws {
        (name, url) = try cluster.freshDatabase(prefix: "c_")
        connection = try PostgresConnection(PostgresConfiguration(url))
        directory = try Binary.temporaryDirectory()
        try Self.jobScript.write(to: directory.appendingPathComponent("job.sh"), atomically: true, encoding: .utf8)
        let lines = ["STATE_DB=\(try stateURL(url))"] + header + jobs
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("jobs.conf"), atomically: true, encoding: .utf8)
    }

    deinit { connection.close() }

    var config: String { directory.appendingPathComponent("jobs.conf").path }
    var pidsFile: String { directory.appendingPathComponent("pids").path }

    /// `command="sh DIR/job.sh SECONDS"`: the job's command line in `jobs.conf`.
    func command(sleeping seconds: Int) -> String {
        "command=\"sh \(directory.path)/job.sh \(seconds)\""
    }

    /// Records "RUN_ID PID" of the shell and of its `sleep`, sleeps, then leaves `done-RUN_ID`:
    /// a run whose processes are gone and that has no `done-` file was killed.
    static let jobScript = """
        #!/bin/sh
        dir=$(dirname "$0")
        echo "$JOBCTL_RUN_ID $$" >> "$dir/pids"
        if [ "$1" != 0 ]; then
          sleep "$1" &
          echo "$JOBCTL_RUN_ID $!" >> "$dir/pids"
          wait $!
        fi
        touch "$dir/done-$JOBCTL_RUN_ID"

        """

    /// The pids a run's processes recorded (all runs when `runID` is nil).
    func pids(ofRun runID: Int64? = nil) -> [pid_t] {
        let text = (try? String(contentsOfFile: pidsFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let pid = pid_t(parts[1]), pid > 1 else { return nil }
            return runID == nil || Int64(parts[0]) == runID ? pid : nil
        }
    }

    func finished(run runID: Int64) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("done-\(runID)").path)
    }

    /// True while `pid` runs: it exists and is not a zombie (a killed child of a stopped node
    /// stays one until the node, resumed, reaps it).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X" && state != nil
    }

    /// A new connection (after a server restart), retried for up to 10 s.
    func reconnect() throws {
        connection.close()
        var lastError: any Error = ClusterError("no attempt")
        let end = Date().addingTimeInterval(10)
        while Date() < end {
            do {
                connection = try PostgresConnection(PostgresConfiguration(url))
                return
            } catch {
                lastError = error
                usleep(100_000)
            }
        }
        throw lastError
    }

    func count(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> Int64 {
        try connection.query(sql, parameters).first?.int64("n") ?? -1
    }

    /// The database's clock, in whole epoch seconds (rounded down).
    func now() throws -> Int64 {
        try connection.query("SELECT floor(extract(epoch FROM clock_timestamp()))::bigint AS n").first?.int64("n")
            ?? 0
    }

    /// A `jobctl run` node on this database, its log in the directory.
    func node(_ extra: [String: String] = [:], arguments: [String] = []) throws -> Daemon {
        try Daemon(
            ["run", "--grace", "1"] + arguments, directory: directory,
            environment: ["JOBCTL_CONFIG": config].merging(extra) { $1 })
    }

    /// The node id of `daemon` as `owner_node` holds it (host:pid:random).
    func nodeID(of daemon: Daemon) throws -> String? {
        try connection.query(
            "SELECT node_id FROM jobctl_node WHERE node_id LIKE $1::text",
            [.text("%:\(daemon.process.processIdentifier):%")]
        ).first?.string("node_id")
    }

    /// Polls `body` every 100 ms until it returns a value, or nil after `timeout` seconds.
    func poll<T>(timeout: TimeInterval, _ body: () throws -> T?) throws -> T? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let value = try body() { return value }
            usleep(100_000)
        }
        return nil
    }
}
