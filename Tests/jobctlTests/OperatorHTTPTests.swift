import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The operators' HTTP routes (issue 12) against the real `jobctl run --http`: pause, resume,
/// one run in full.
@Suite struct OperatorHTTPTests {
    static let auth = ["Authorization": "Bearer \(HTTPDaemon.token)"]

    static func post(_ daemon: HTTPDaemon, _ path: String, body: String? = nil, token: Bool = true) throws
        -> HTTPReply
    {
        try RawHTTP.request(
            port: daemon.port, "POST", path, headers: token ? auth : [:], body: body.map { Data($0.utf8) })
    }

    static func error(_ reply: HTTPReply) -> String { ((try? reply.object())?["error"] as? String) ?? reply.text }

    static func data(_ reply: HTTPReply) throws -> [String: Any] {
        guard let data = try reply.object()["data"] as? [String: Any] else {
            throw HTTPTestError("no data: \(reply.status) \(reply.text)")
        }
        return data
    }

    @Test func aPauseThroughTheAPIIsHonouredAtTheNextFireAndShownInTheStatus() throws {
        let daemon = try HTTPDaemon(config: #"* * * * * * tick command="true""#)
        defer { daemon.stop() }
        let paused = try Self.post(daemon, "/api/v1/jobs/pause/tick", body: #"{"note": "pool 7 paid twice"}"#)
        let pausedAt = PauseCommandTests.nowMs()
        #expect(paused.status == 200, "\(paused.text)")
        let pause = try #require(try Self.data(paused)["paused"] as? [String: Any])
        #expect(pause["by"] as? String == "http" && pause["note"] as? String == "pool 7 paid twice")
        #expect(pause["job"] as? String == "tick" && (pause["at"] as? String)?.hasSuffix("Z") == true)

        let status = try daemon.waitForStatus { statusJob($0, "tick")?["paused"] is [String: Any] }
        let shown = try #require(statusJob(status, "tick")?["paused"] as? [String: Any])
        #expect(shown["note"] as? String == "pool 7 paid twice" && shown["by"] as? String == "http")
        let db = daemon.directory.appendingPathComponent("jobctl.db").path
        let later = try PauseCommandTests.waitForRows(db) { rows in
            rows.filter { ($0.scheduledAt ?? 0) >= pausedAt }.count >= 2
        }.filter { ($0.scheduledAt ?? 0) >= pausedAt }
        #expect(later.count >= 2, "\(daemon.output.suffix(2000))")
        #expect(
            later.allSatisfy {
                $0.status == "skipped"
                    && $0.error == "paused by http at \(pause["at"] as? String ?? ""): pool 7 paid twice"
            })

        let again = try Self.post(daemon, "/api/v1/jobs/pause/tick", body: #"{"note": "other"}"#)
        #expect(again.status == 409 && Self.error(again).contains("is already paused (by http since"))
        let resumed = try Self.post(daemon, "/api/v1/jobs/resume/tick")
        #expect(resumed.status == 200, "\(resumed.text)")
        #expect(try Self.data(resumed)["paused"] is NSNull)
        #expect(try Self.post(daemon, "/api/v1/jobs/resume/tick").status == 409)
        _ = try daemon.waitForStatus { statusJob($0, "tick")?["paused"] is NSNull }
    }

    @Test func pauseAndResumeRefuseWhatTheyShouldWithoutWriting() throws {
        let daemon = try HTTPDaemon(config: #"0 0 1 1 * quiet command="true""#)
        defer { daemon.stop() }
        let cases: [(path: String, body: String?, token: Bool, status: Int, error: String)] = [
            ("/api/v1/jobs/pause/quiet", nil, false, 401, "missing or wrong bearer token"),
            ("/api/v1/jobs/resume/quiet", nil, false, 401, "missing or wrong bearer token"),
            ("/api/v1/jobs/pause/nope", nil, true, 404, "unknown job 'nope' (jobs: quiet)"),
            ("/api/v1/jobs/resume/nope", nil, true, 404, "unknown job 'nope'"),
            ("/api/v1/jobs/resume/quiet", nil, true, 409, "job 'quiet' is not paused; nothing changed"),
            ("/api/v1/jobs/pause/quiet", "not json", true, 400, "the body must be empty or a JSON object"),
            ("/api/v1/jobs/pause/quiet", #"["note"]"#, true, 400, "the body must be empty or a JSON object"),
            ("/api/v1/jobs/pause/quiet", #"{"notes": "typo"}"#, true, 400, "unknown key 'notes'"),
            ("/api/v1/jobs/pause/quiet", #"{"note": 7}"#, true, 400, "note must be a string"),
            ("/api/v1/jobs/pause/quiet", #"{"note": "a\nb"}"#, true, 400, "note: the note must be one line"),
            (
                "/api/v1/jobs/pause/quiet", #"{"note": "\#(String(repeating: "x", count: 501))"}"#, true, 400,
                "longer than 500 characters"
            ),
            ("/api/v1/jobs/pause/quiet", String(repeating: " ", count: 5000), true, 413, "larger than 4096 bytes"),
        ]
        for c in cases {
            let reply = try Self.post(daemon, c.path, body: c.body, token: c.token)
            #expect(reply.status == c.status, "\(c.path) \(c.body?.prefix(30) ?? ""): \(reply.text)")
            #expect(Self.error(reply).contains(c.error), "\(c.path): \(Self.error(reply))")
        }
        #expect(statusJob(try daemon.status(), "quiet")?["paused"] is NSNull)
        // An empty body and `null` are no note.
        let plain = try Self.post(daemon, "/api/v1/jobs/pause/quiet", body: "")
        #expect(plain.status == 200)
        let plainPause = try Self.data(plain)["paused"] as? [String: Any]
        #expect(plainPause?["note"] is NSNull)
        #expect(try Self.post(daemon, "/api/v1/jobs/resume/quiet").status == 200)
        #expect(try Self.post(daemon, "/api/v1/jobs/pause/quiet", body: #"{"note": null}"#).status == 200)
    }

    @Test func pauseIsForbiddenWithoutAConfiguredToken() throws {
        let daemon = try HTTPDaemon(config: #"0 0 1 1 * quiet command="true""#, tokenFile: false)
        defer { daemon.stop() }
        for path in ["/api/v1/jobs/pause/quiet", "/api/v1/jobs/resume/quiet"] {
            let reply = try Self.post(daemon, path)
            #expect(reply.status == 403 && Self.error(reply).contains("no token is configured"), "\(reply.text)")
        }
    }

    @Test func triggerOfAPausedJobRunsAndItsAnswerCarriesAWarning() throws {
        let daemon = try HTTPDaemon(config: #"0 0 1 1 * payout command="echo paid""#)
        defer { daemon.stop() }
        #expect(try Self.post(daemon, "/api/v1/jobs/pause/payout", body: #"{"note":"audit"}"#).status == 200)
        let reply = try daemon.trigger("payout")
        #expect(reply.status == 202, "\(reply.text)")
        let warning = try #require(try Self.data(reply)["warning"] as? String)
        #expect(warning.hasPrefix("job 'payout' is paused (by http since ") && warning.contains(": audit)"))
        _ = try daemon.waitForStatus { lastRunStatus($0, "payout") == "succeeded" }
        #expect(try Self.post(daemon, "/api/v1/jobs/resume/payout").status == 200)
        #expect(try Self.data(try daemon.trigger("payout"))["warning"] is NSNull)
    }

    @Test func runDetailIsTheJSONOfShowAndRedactedForAnonymousReaders() throws {
        let daemon = try HTTPDaemon(
            config: """
                @reboot broken command="echo secret-output; exit 3"
                """)
        defer { daemon.stop() }
        _ = try daemon.waitForStatus { lastRunStatus($0, "broken") == "failed" }
        let full = try daemon.getWithToken("/api/v1/jobs/runs/1")
        #expect(full.status == 200, "\(full.text)")
        let run = try Self.data(full)
        #expect(run["output"] as? String == "secret-output\n" && run["error"] as? String == "exit status 3")
        #expect(run["redacted"] as? Bool == false && (run["otherAttempts"] as? [Any])?.isEmpty == true)
        // The same object as `jobctl show --json`, key for key.
        let show = try Binary.run([
            "show", "1", "--state-db", daemon.directory.appendingPathComponent("jobctl.db").path, "--json",
        ])
        let cli = try PauseCommandTests.object(show.stdout)
        #expect(Set(cli.keys) == Set(run.keys))
        for (key, value) in cli where key != "otherAttempts" {
            #expect("\(run[key] ?? "missing")" == "\(value)", "\(key)")
        }

        let anonymous = try daemon.get("/api/v1/jobs/runs/1")
        #expect(anonymous.status == 200)
        let redacted = try Self.data(anonymous)
        #expect(redacted["output"] is NSNull && redacted["error"] is NSNull && redacted["redacted"] as? Bool == true)
        #expect(!anonymous.text.contains("secret-output"))
        #expect(redacted["status"] as? String == "failed")

        let wrong = try RawHTTP.request(
            port: daemon.port, "GET", "/api/v1/jobs/runs/1", headers: ["Authorization": "Bearer wrong-token-xxxxxxxx"])
        #expect(wrong.status == 401)
        #expect(try daemon.get("/api/v1/jobs/runs/99").status == 404)
        for bad in ["abc", "0", "-1", "1.0", "99999999999999999999", "1e3"] {
            let reply = try daemon.get("/api/v1/jobs/runs/\(bad)")
            #expect(reply.status == 400, "\(bad): \(reply.text)")
            #expect(Self.error(reply).hasPrefix("run id must be a positive whole number"))
        }
    }

    @Test func theStatusCountsEachJobsFailingStreak() throws {
        let daemon = try HTTPDaemon(config: #"0 0 1 1 * broken command="exit 1""#)
        defer { daemon.stop() }
        for _ in 0..<2 {
            let id = try #require(try Self.data(try daemon.trigger("broken"))["runId"] as? Int)
            _ = try daemon.waitForStatus {
                (statusJob($0, "broken")?["lastRun"] as? [String: Any])?["id"] as? Int == id
                    && lastRunStatus($0, "broken") == "failed"
            }
        }
        let status = try daemon.waitForStatus { statusJob($0, "broken")?["consecutiveFailures"] as? Int == 2 }
        #expect(statusJob(status, "broken")?["consecutiveFailures"] as? Int == 2)
    }

    /// `jobctl pause` (or `trigger`, any command that opens the database read-write) beside
    /// `jobctl run --http` deleted the scheduler's WAL when it exited: the HTTP server's second
    /// open of the file had read its header through a descriptor of its own, and closing that
    /// descriptor dropped the scheduler's SQLite locks, so the command's connection found itself
    /// last. Every later run went to a deleted WAL, invisible to `history` and lost to the file.
    @Test func aReadWriteCommandBesideRunHTTPKeepsTheSchedulersWAL() throws {
        let daemon = try HTTPDaemon(
            config: """
                * * * * * * tick command="true"
                0 0 1 1 * quiet command="true"
                """)
        defer { daemon.stop() }
        let db = daemon.directory.appendingPathComponent("jobctl.db").path
        let config = daemon.directory.appendingPathComponent("jobs.conf").path
        _ = try PauseCommandTests.waitForRows(db) { $0.count >= 2 }
        #expect(try Binary.run(["pause", "quiet", "--config", config]).status == 0)
        let pausedAt = PauseCommandTests.nowMs()
        // Runs recorded after the command exited are visible to another process.
        func ticksAfter() throws -> Int {
            let history = try Binary.run(["history", "--config", config, "--json", "--limit", "100"])
            let rows = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []
            return rows.filter { ($0["job"] as? String) == "tick" && ($0["status"] as? String) == "succeeded" }
                .compactMap { $0["scheduledFor"] as? String }
                .filter { text in
                    let formatter = ISO8601DateFormatter()
                    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                    let ms = formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) } ?? 0
                    return ms > pausedAt
                }.count
        }
        let end = Date().addingTimeInterval(20)
        var seen = 0
        while Date() < end, seen < 3 {
            seen = try ticksAfter()
            usleep(200_000)
        }
        #expect(seen >= 3, "runs after the command are not in the database: \(daemon.output.suffix(1500))")
        #expect(FileManager.default.fileExists(atPath: db + "-wal"))
    }
}
