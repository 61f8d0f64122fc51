import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `jobctl show RUN_ID` through the real binary (issue 12): one run in full.
@Suite(.serialized) struct ShowCommandTests {
    /// A fire of `flaky` every 5 s that fails and is retried once (backoff 1 s): two attempts of
    /// one fire, each printing its run id and a line with an ESC in it.
    static func twoAttemptsOfOneFire() throws -> (dir: URL, config: String, db: String, rows: [Row_]) {
        let (dir, config, db) = try PauseCommandTests.setUp(
            #"*/5 * * * * * flaky command="printf 'out %s\n\033[31mred\n' $JOBCTL_RUN_ID; exit 3" retries=1 backoff=1s"#
        )
        let daemon = try Daemon(["run", "--config", config], directory: dir)
        let rows = try PauseCommandTests.waitForRows(db) { rows in
            rows.filter { $0.trigger == "retry" && $0.status == "failed" }.count >= 1
        }
        daemon.stop()
        return (dir, config, db, rows)
    }

    @Test func showPrintsEveryFieldTheWholeOutputAndTheOtherAttemptOfTheFire() throws {
        let (dir, config, _, rows) = try Self.twoAttemptsOfOneFire()
        defer { try? FileManager.default.removeItem(at: dir) }
        let history = try Binary.run(["history", "--config", config, "--json", "--limit", "100"])
        let executions = try #require(
            try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        let retry = try #require(executions.first { $0["triggeredBy"] as? String == "retry" })
        let retryID = try #require(retry["id"] as? Int)
        let first = try #require(
            executions.first {
                $0["attempt"] as? Int == 1 && $0["scheduledFor"] as? String == retry["scheduledFor"] as? String
            })
        let firstID = try #require(first["id"] as? Int)
        #expect(rows.count >= 2)

        let text = try Binary.run(["show", String(retryID), "--config", config])
        #expect(text.status == 0, "\(text.stderr)")
        for field in [
            "run", "job", "status", "trigger", "attempt", "scheduled", "started", "finished", "duration",
            "lateness", "host", "pid",
        ] {
            #expect(text.stdout.contains("\n\(field) ") || text.stdout.hasPrefix("\(field) "), "no \(field) line")
        }
        #expect(text.stdout.contains("status     failed"))
        #expect(text.stdout.contains("error\n    exit status 3\n"))
        // The whole output tail, control characters escaped, never raw.
        #expect(text.stdout.contains("    out \(retryID)\n    \\x1b[31mred\n"), "\(text.stdout)")
        #expect(!text.stdout.contains("\u{1B}"))
        #expect(text.stdout.contains("other attempts of this fire"))
        let attemptLine = text.stdout.split(separator: "\n").first {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(firstID) ")
        }
        #expect(
            attemptLine?.contains(" schedule ") == true && attemptLine?.contains("failed") == true, "\(text.stdout)")

        // --json: the history object field for field, plus the other attempts.
        let json = try Binary.run(["show", String(retryID), "--config", config, "--json"])
        #expect(json.status == 0)
        let detail = try PauseCommandTests.object(json.stdout)
        #expect(Set(detail.keys) == Set(retry.keys).union(["otherAttempts", "hooks", "redacted"]))
        for (key, value) in retry {
            #expect("\(detail[key] ?? "missing")" == "\(value)", "\(key)")
        }
        #expect(detail["redacted"] as? Bool == false)
        let others = try #require(detail["otherAttempts"] as? [[String: Any]])
        #expect(others.map { $0["id"] as? Int } == [firstID])
        #expect(others.first?["output"] as? String == "out \(firstID)\n\u{1B}[31mred\n")
    }

    @Test func showOfAnUnknownOrMalformedRunIdIsOneLineAndExitTwo() throws {
        let (dir, config, db) = try PauseCommandTests.setUp(#"0 0 * * * payout command="echo paid""#)
        defer { try? FileManager.default.removeItem(at: dir) }
        // No history yet: nothing is created.
        let none = try Binary.run(["show", "1", "--config", config])
        #expect(none.status == 2 && none.stderr == "jobctl: no run 1: no history database at \(db)\n")
        #expect(!FileManager.default.fileExists(atPath: db))
        #expect(try Binary.run(["trigger", "payout", "--config", config]).status == 0)
        #expect(try Binary.run(["show", "1", "--config", config]).stdout.contains("    paid\n"))
        let manual = try Binary.run(["show", "1", "--config", config])
        #expect(manual.stdout.contains("scheduled  - (a manual run has no fire)"))
        #expect(!manual.stdout.contains("other attempts"))
        for bad in ["abc", "0", "1.5", " 1", "+1", "12345678901234567890", "1e3", "０"] {
            let result = try Binary.run(["show", bad, "--config", config])
            #expect(result.status == 2, "\(bad)")
            #expect(
                result.stderr.hasPrefix("jobctl: run id must be a positive whole number"), "\(bad): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let unknown = try Binary.run(["show", "99", "--config", config])
        #expect(unknown.status == 2 && unknown.stderr == "jobctl: no run 99 in \(db)\n")
    }
}
