import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP API of `jobctl run --http`, against the real binary on a loopback port.
@Suite struct HTTPAPITests {
    static let jobs = """
        @reboot    hello  command="echo hello from jobctl"
        0 0 1 1 *  slow   command="sleep 3"
        0 0 1 1 *  quick  command="true"
        """

    @Test func statusHasTheDocumentedShape() throws {
        let daemon = try HTTPDaemon(config: Self.jobs)
        defer { daemon.stop() }
        // Wait until the run is over everywhere: history, stats and the scheduler's running set.
        let data = try daemon.waitForStatus(withToken: true) {
            lastRunStatus($0, "hello") == "succeeded" && statusJob($0, "hello")?["running"] as? Bool == false
                && ($0["stats"] as? [String: Any])?["successfulExecutions"] as? Int == 1
        }
        let reply = try daemon.getWithToken("/api/v1/jobs/status")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "application/json")
        let top = try reply.object()
        #expect(Set(top.keys) == ["success", "data"])
        #expect(top["success"] as? Bool == true)
        #expect(Set(data.keys) == ["stats", "jobs", "recentExecutions", "redacted", "warnings", "nodes"])
        #expect(data["redacted"] as? Bool == false)
        let stats = try #require(data["stats"] as? [String: Any])
        #expect(Set(stats.keys) == ["totalExecutions", "successfulExecutions", "failedExecutions", "successRate"])
        #expect(stats["totalExecutions"] as? Int == 1)
        #expect(stats["successfulExecutions"] as? Int == 1)
        #expect(stats["failedExecutions"] as? Int == 0)
        #expect(stats["successRate"] as? Double == 1)
        let jobs = try #require(data["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["name"] as? String } == ["hello", "slow", "quick"])
        for job in jobs {
            #expect(
                Set(job.keys) == [
                    "name", "schedule", "timezone", "nextFire", "lastRun", "running", "paused", "consecutiveFailures",
                ])
        }
        let hello = try #require(statusJob(data, "hello"))
        #expect(hello["schedule"] as? String == "@reboot")
        #expect(hello["timezone"] as? String == "UTC")
        #expect(hello["nextFire"] is NSNull)
        #expect(hello["running"] as? Bool == false)
        let slow = try #require(statusJob(data, "slow"))
        #expect(slow["lastRun"] is NSNull)
        let next = try #require(slow["nextFire"] as? String)
        #expect(next.hasSuffix("-01-01T00:00:00.000Z"))
        let recent = try #require(data["recentExecutions"] as? [[String: Any]])
        #expect(recent.count == 1)
        #expect(
            Set(recent[0].keys) == [
                "attempt", "durationMs", "error", "finishedAt", "host", "id", "job", "latenessMs", "metrics", "output",
                "pid", "scheduledFor", "startedAt", "status", "triggeredBy", "user",
            ])
        #expect(recent[0]["output"] as? String == "hello from jobctl\n")

        // The same execution object as `jobctl history --json`.
        let cli = try Binary.run([
            "history", "--json", "--config", daemon.directory.appendingPathComponent("jobs.conf").path,
        ])
        #expect(cli.status == 0)
        let fromCLI = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [[String: Any]])
        #expect(NSDictionary(dictionary: fromCLI[0]).isEqual(to: recent[0]))
        #expect(NSDictionary(dictionary: hello["lastRun"] as! [String: Any]).isEqual(to: recent[0]))
    }

    @Test func triggerNeedsTheBearerToken() throws {
        let daemon = try HTTPDaemon(config: Self.jobs)
        defer { daemon.stop() }
        let missing = try daemon.trigger("quick", token: nil)
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(try missing.object()["success"] as? Bool == false)
        #expect(try daemon.trigger("quick", token: "wrong-token-0123456789abcdef-XYZ").status == 401)
        #expect(try daemon.trigger("quick", token: String(HTTPDaemon.token.dropLast())).status == 401)
        #expect(try daemon.trigger("quick", token: HTTPDaemon.token + "X").status == 401)
        let basic = try RawHTTP.request(
            port: daemon.port, "POST", "/api/v1/jobs/trigger/quick",
            headers: ["Authorization": "Basic \(HTTPDaemon.token)"])
        #expect(basic.status == 401)
        // Authentication comes first: an unknown job without the token is 401, not 404.
        #expect(try daemon.trigger("nope", token: nil).status == 401)
        #expect(try daemon.trigger("nope").status == 404)

        let accepted = try daemon.trigger("quick")
        #expect(accepted.status == 202)
        let data = try #require(try accepted.object()["data"] as? [String: Any])
        let id = try #require(data["runId"] as? Int)
        #expect(data["job"] as? String == "quick")
        // The run is in the history as a manual run by `http` (same path as `jobctl trigger`).
        let status = try daemon.waitForStatus { lastRunStatus($0, "quick") == "succeeded" }
        let last = try #require(statusJob(status, "quick")?["lastRun"] as? [String: Any])
        #expect(last["id"] as? Int == id)
        #expect(last["triggeredBy"] as? String == "manual")
        #expect(last["user"] as? String == "http")
        #expect(last["scheduledFor"] is NSNull)
        // Wrong tokens never ran anything.
        let history = try #require(try daemon.get("/api/v1/jobs/history?job=quick").object()["data"] as? [String: Any])
        #expect(history["count"] as? Int == 1)
    }

    @Test func triggerIsForbiddenWithoutAConfiguredTokenAndTakesTheEnvironmentToken() throws {
        let closed = try HTTPDaemon(config: Self.jobs, tokenFile: false)
        defer { closed.stop() }
        #expect(closed.output.contains("HTTP trigger route disabled"))
        let refused = try closed.trigger("quick")
        #expect(refused.status == 403)
        #expect((try refused.object()["error"] as? String)?.contains("no token") == true)
        #expect(try closed.trigger("quick", token: nil).status == 403)

        let open = try HTTPDaemon(
            config: Self.jobs, tokenFile: false, environment: ["JOBCTL_HTTP_TOKEN": HTTPDaemon.token])
        defer { open.stop() }
        #expect(open.output.contains("token from $JOBCTL_HTTP_TOKEN"))
        #expect(try open.trigger("quick").status == 202)
        #expect(try open.trigger("quick", token: "wrong-token-0123456789abcdef-XYZ").status == 401)
    }

    @Test func triggerOfARunningJobIsAConflict() throws {
        let daemon = try HTTPDaemon(config: Self.jobs)
        defer { daemon.stop() }
        #expect(try daemon.trigger("slow").status == 202)
        let conflict = try daemon.trigger("slow")
        #expect(conflict.status == 409)
        #expect((try conflict.object()["error"] as? String)?.contains("already running") == true)
        let running = try daemon.status()
        #expect(statusJob(running, "slow")?["running"] as? Bool == true)
        // The HTTP run holds the job's lock file: `jobctl trigger` from a shell sees it too.
        let cli = try Binary.run([
            "trigger", "slow", "--config", daemon.directory.appendingPathComponent("jobs.conf").path,
        ])
        #expect(cli.status == 75)
        #expect(cli.stderr.contains("already running"))
        // (the shell's attempt is recorded as skipped, as `jobctl trigger` always does)
        _ = try daemon.waitForStatus { statusJob($0, "slow")?["running"] as? Bool == false }
        let runs = try #require(try daemon.get("/api/v1/jobs/history?job=slow").object()["data"] as? [String: Any])
        #expect((runs["executions"] as? [[String: Any]])?.map { $0["status"] as? String } == ["skipped", "succeeded"])
        // Free again.
        #expect(try daemon.trigger("slow").status == 202)
    }

    @Test func triggerWhileAnotherProcessHoldsTheLockIsAConflict() throws {
        let daemon = try HTTPDaemon(config: Self.jobs)
        defer { daemon.stop() }
        let config = daemon.directory.appendingPathComponent("jobs.conf").path
        let cli = Process()
        cli.executableURL = URL(fileURLWithPath: Binary.path)
        cli.arguments = ["trigger", "slow", "--config", config]
        cli.standardOutput = FileHandle.nullDevice
        cli.standardError = FileHandle.nullDevice
        try cli.run()
        defer { cli.waitUntilExit() }
        // Wait until the shell's run is recorded (it holds the lock from before that).
        _ = try daemon.waitForStatus { lastRunStatus($0, "slow") == "running" }
        let conflict = try daemon.trigger("slow")
        #expect(conflict.status == 409)
        #expect((try conflict.object()["error"] as? String)?.contains("pid \(cli.processIdentifier)") == true)
    }

    @Test func historyLimitsAndFilters() throws {
        let daemon = try HTTPDaemon(config: Self.jobs, seedRows: 150)
        defer { daemon.stop() }
        func data(_ query: String) throws -> [String: Any] {
            let reply = try daemon.get("/api/v1/jobs/history\(query)")
            #expect(reply.status == 200, "\(query): \(reply.text)")
            return try #require(try reply.object()["data"] as? [String: Any])
        }
        func count(_ query: String) throws -> Int {
            let d = try data(query)
            #expect(d["count"] as? Int == (d["executions"] as? [Any])?.count)
            return d["count"] as? Int ?? -1
        }
        #expect(try count("") == 20)
        #expect(try count("?limit=1") == 1)
        #expect(try count("?limit=100") == 100)
        #expect(try count("?limit=50&job=&status=") == 50)
        let executions = try #require(
            try data("?limit=30&job=prizepool&status=succeeded")["executions"] as? [[String: Any]])
        #expect(!executions.isEmpty)
        #expect(executions.allSatisfy { $0["job"] as? String == "prizepool" && $0["status"] as? String == "succeeded" })
        let started = executions.compactMap { $0["startedAt"] as? String }
        #expect(started == started.sorted(by: >))  // newest first
        #expect(try count("?job=no-such-job") == 0)
        #expect(try count("?status=timed_out&limit=100") > 0)
    }

    @Test func historyRefusesBadParameters() throws {
        let daemon = try HTTPDaemon(config: Self.jobs)
        defer { daemon.stop() }
        let bad = [
            "?limit=0", "?limit=101", "?limit=-1", "?limit=abc", "?limit=1.5", "?limit=99999999999999999999",
            "?status=done", "?status=SUCCEEDED", "?limit=%20", "?job=\(String(repeating: "x", count: 201))",
        ]
        for query in bad {
            let reply = try daemon.get("/api/v1/jobs/history\(query)")
            #expect(reply.status == 400, "\(query)")
            let body = try reply.object()
            #expect(Set(body.keys) == ["success", "error"], "\(query)")
            #expect(body["success"] as? Bool == false)
            #expect((body["error"] as? String)?.isEmpty == false)
        }
    }

    @Test func metricsAreThePrometheusExposition() throws {
        let daemon = try HTTPDaemon(config: Self.jobs)
        defer { daemon.stop() }
        _ = try daemon.waitForStatus { lastRunStatus($0, "hello") == "succeeded" }
        let reply = try daemon.get("/metrics")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        // Every line is a comment or `name{labels} value` with a number.
        var samples: [String: Double] = [:]
        for line in reply.text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            #expect(parts.count == 2, "\(line)")
            let value = try #require(Double(parts[1]), "\(line)")
            samples[String(parts[0])] = value
        }
        #expect(samples[#"jobctl_job_runs_total{job="hello",status="succeeded"}"#] == 1)
        // The same text as `jobctl metrics`.
        let cli = try Binary.run(["metrics", "--config", daemon.directory.appendingPathComponent("jobs.conf").path])
        // (but for the moment each was generated at)
        let generatedAt = "jobctl_metrics_generated_timestamp_seconds "
        let withoutTime = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix(generatedAt) } }
        #expect(withoutTime(cli.stdout) == withoutTime(reply.text))
        #expect(reply.text.contains("\n" + generatedAt))
    }

    @Test func malformedAndOversizedRequestsDoNotDisturbTheScheduler() throws {
        let daemon = try HTTPDaemon(config: Self.jobs + "\n* * * * * * tick command=\"true\"")
        defer { daemon.stop() }
        // Garbage instead of HTTP: 400 and the connection closes.
        let garbage = try RawHTTP.exchange(port: daemon.port, Data("NOT HTTP AT ALL\r\n\r\n".utf8))
        #expect(String(decoding: garbage, as: UTF8.self).hasPrefix("HTTP/1.1 400"))
        // A declared body over the cap: 413 before it is read.
        let huge = try RawHTTP.exchange(
            port: daemon.port,
            Data(
                "POST /api/v1/jobs/trigger/quick HTTP/1.1\r\nHost: 127.0.0.1:\(daemon.port)\r\nContent-Length: 1000000000\r\n\r\n"
                    .utf8) + Data(count: 64 * 1024))
        #expect(String(decoding: huge, as: UTF8.self).hasPrefix("HTTP/1.1 413"))
        // A chunked body over the cap on the trigger route: 413 too.
        var chunked = Data(
            "POST /api/v1/jobs/trigger/quick HTTP/1.1\r\nHost: 127.0.0.1:\(daemon.port)\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                .utf8)
        for _ in 0..<8 { chunked += Data("4000\r\n".utf8) + Data(repeating: 65, count: 0x4000) + Data("\r\n".utf8) }
        chunked += Data("0\r\n\r\n".utf8)
        #expect(try RawHTTP.parse(RawHTTP.exchange(port: daemon.port, chunked)).status == 413)
        // Unknown routes and methods: JSON errors.
        let unknown = try daemon.get("/api/v1/nope")
        #expect(unknown.status == 404)
        #expect(try unknown.object()["success"] as? Bool == false)
        // Slow clients: connections that send half a request and wait.
        var idle: [Int32] = []
        for _ in 0..<50 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(daemon.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            _ = "GET /api/v1/jobs/status HTTP/1.1\r\nHost: 127.0.0.1:\(daemon.port)\r\n".withCString {
                send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL))
            }
            idle.append(fd)
        }
        defer { idle.forEach { close($0) } }
        // Meanwhile the every-second job keeps firing on time and the API still answers.
        let before = try daemon.status()
        let firstID = (statusJob(before, "tick")?["lastRun"] as? [String: Any])?["id"] as? Int ?? 0
        let after = try daemon.waitForStatus(timeout: 10) {
            ((statusJob($0, "tick")?["lastRun"] as? [String: Any])?["id"] as? Int ?? 0) >= firstID + 3
        }
        let tickRuns = try #require(
            try daemon.get("/api/v1/jobs/history?job=tick&limit=5").object()["data"] as? [String: Any])
        // The newest run may still be going when the history is read (seen under full-suite load):
        // only finished runs are judged. The lateness bound is a stall guard, not a timing target.
        let finished = (tickRuns["executions"] as? [[String: Any]] ?? []).filter {
            $0["status"] as? String != "running"
        }
        #expect(!finished.isEmpty)
        for run in finished {
            #expect(run["status"] as? String == "succeeded")
            #expect((run["latenessMs"] as? Int ?? 0) < 5000)
        }
        #expect(statusJob(after, "tick") != nil)
    }

    @Test func stopsWithTheSchedulerOnSIGTERM() throws {
        let daemon = try HTTPDaemon(config: Self.jobs)
        #expect(try daemon.get("/api/v1/jobs/status").status == 200)
        #expect(daemon.stop() == 0)
        #expect(daemon.output.contains("Scheduler stopped"))
        #expect(throws: (any Error).self) { try daemon.get("/api/v1/jobs/status") }
    }

    @Test func refusesNonLoopbackAddresses() throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try "TZ=UTC\n0 0 1 1 * quick command=true\n".write(to: config, atomically: true, encoding: .utf8)
        for address in ["192.168.1.10:8080", "[::]:8080", "example.com:80", "127.0.0.1:99999", "127.0.0.1:"] {
            let result = try Binary.run(["run", "--config", config.path, "--http", address])
            #expect(result.status == 2, "\(address)")
            #expect(result.stderr.contains("--http"), "\(address): \(result.stderr)")
        }
        try "TZ=UTC\nHTTP_LISTEN=10.0.0.1:8080\n0 0 1 1 * quick command=true\n".write(
            to: config, atomically: true, encoding: .utf8)
        let fromConfig = try Binary.run(["run", "--config", config.path])
        #expect(fromConfig.status == 2)
        #expect(fromConfig.stderr.contains("HTTP_LISTEN"))
    }

    @Test func aPortInUseIsAnError() throws {
        let first = try HTTPDaemon(config: Self.jobs)
        defer { first.stop() }
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try "TZ=UTC\n0 0 1 1 * quick command=true\n".write(to: config, atomically: true, encoding: .utf8)
        let second = try Binary.run(["run", "--config", config.path, "--http", "127.0.0.1:\(first.port)"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(first.port)"))
    }
}
