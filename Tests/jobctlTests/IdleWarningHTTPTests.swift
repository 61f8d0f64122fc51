import Foundation
import GRDB
import Testing

/// Issue 15: the idle money job's warning reaches the status API and the status page.
@Suite struct IdleWarningHTTPTests {
    /// prizepool runs that found 0 pools due for 3 days while sessions were played, written
    /// into the running scheduler's history (the status re-reads it when it changes).
    static func recordIdleDays(_ daemon: HTTPDaemon) throws {
        // The daemon writes its own rows meanwhile (start-up, pruning): wait for its lock instead
        // of failing at once with SQLITE_BUSY ("database is locked", seen once in CI).
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(
            path: daemon.directory.appendingPathComponent("jobctl.db").path, configuration: configuration)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try queue.write { db in
            for (daysAgo, due) in [(4, 1), (3, 0), (2, 0), (1, 0)] {
                let started = now - Int64(daysAgo) * 86_400_000
                try db.execute(
                    sql: """
                        INSERT INTO job_executions
                            (job, status, started_at, finished_at, duration_ms, triggered_by, host, pid, metrics)
                        VALUES ('prizepool', 'succeeded', ?, ?, 5, 'manual', 'h', 1, ?)
                        """,
                    arguments: [started, started + 5, #"{"counters":{"pools_due":\#(due),"sessions_seen":7}}"#])
            }
        }
    }

    @Test(.enabled(if: Chromium.executable != nil, "chromium is not installed (make browser-deps)"))
    func anIdlePrizepoolIsAWarningInTheStatusAPIAndOnThePage() throws {
        let daemon = try HTTPDaemon(config: "APP_DB=arcade.db\n0 0 * * *  prizepool  catchup=off")
        defer { daemon.stop() }
        #expect((try daemon.status()["warnings"] as? [Any])?.isEmpty == true)
        try Self.recordIdleDays(daemon)
        let status = try daemon.waitForStatus { ($0["warnings"] as? [Any])?.isEmpty == false }
        let warning = try #require((status["warnings"] as? [[String: Any]])?.first)
        #expect(warning["job"] as? String == "prizepool")
        #expect((warning["message"] as? String)?.contains("no work found (pools_due = 0)") == true)
        #expect(try daemon.get("/metrics").text.contains("jobctl_job_idle{job=\"prizepool\"} 1"))

        let chromium = try #require(Chromium.executable)
        let profile = daemon.directory.appendingPathComponent("chromium-profile").path
        let arguments = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile)", "--virtual-time-budget=5000", "--dump-dom",
            "http://127.0.0.1:\(daemon.port)/",
        ]
        let dom = try Binary.shell(arguments.map { "'\($0)'" }.joined(separator: " ") + " 2>/dev/null", timeout: 120)
        #expect(dom.status == 0)
        #expect(dom.output.contains(#"<div class="warning" data-job="prizepool">Warning: prizepool: no work found"#))
    }
}
