import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// The rules of `HookPolicy` and the sanitizing of `JOBCTL_ERROR`.
@Suite struct HookPolicyTests {
    static let both = JobHooks(onFailure: "f", onRecovery: "r", alertAfter: 2)

    struct Row: Sendable, CustomTestStringConvertible {
        var status: ExecutionStatus
        var streak: Int
        var alerted: Bool
        var expected: HookEvent?
        var testDescription: String { "\(status) streak \(streak) alerted \(alerted)" }
    }

    @Test(arguments: [
        Row(status: .failed, streak: 1, alerted: false, expected: nil),  // below alert_after=2
        Row(status: .failed, streak: 2, alerted: false, expected: .failure),
        Row(status: .failed, streak: 3, alerted: true, expected: nil),  // once per streak
        Row(status: .failed, streak: 5, alerted: false, expected: .failure),  // jumped past it (crash recovery)
        Row(status: .timedOut, streak: 2, alerted: false, expected: .failure),
        Row(status: .interrupted, streak: 2, alerted: false, expected: .failure),
        Row(status: .partial, streak: 1, alerted: false, expected: .failure),  // counts itself: 1 + 1
        Row(status: .partial, streak: 0, alerted: false, expected: nil),
        Row(status: .skipped, streak: 9, alerted: false, expected: nil),
        Row(status: .succeeded, streak: 0, alerted: true, expected: .recovery),
        Row(status: .succeeded, streak: 0, alerted: false, expected: nil),
    ])
    func theHookARunFires(_ row: Row) {
        let count = HookPolicy.count(status: row.status, streak: row.streak)
        #expect(
            HookPolicy.event(status: row.status, hooks: Self.both, count: count, alerted: row.alerted) == row.expected)
    }

    @Test func anyFinalStatusButSuccessAndSkipCountsAsAFailure() {
        let failing = ExecutionStatus.allCases.filter(HookPolicy.isFailure)
        #expect(Set(failing) == Set(ExecutionStatus.allCases).subtracting([.succeeded, .skipped, .running, .queued]))
    }

    @Test func recoveryNeedsAnOnRecoveryCommand() {
        let hooks = JobHooks(onFailure: "f")
        #expect(HookPolicy.event(status: .succeeded, hooks: hooks, count: 0, alerted: true) == nil)
    }

    @Test func aHookAtTheSuccessBelongsToTheNewStreak() {
        let success = Date(timeIntervalSince1970: 100)
        #expect(HookPolicy.isAfter(success, success: success))
        #expect(!HookPolicy.isAfter(success - 1, success: success))
        #expect(HookPolicy.isAfter(success, success: nil))
        #expect(!HookPolicy.isAfter(nil, success: success))
    }

    @Test func errorTextKeepsItsFirstLineWithoutControlCharacters() {
        let raw = "exit status 3\u{1B}[31m red\u{7}\tbell\u{9B}\nsecond line"
        #expect(HookEnvironment.sanitizedError(raw) == "exit status 3 [31m red  bell ")
        #expect(HookEnvironment.sanitizedError("a\r\nb") == "a")
        #expect(HookEnvironment.sanitizedError("x\u{2028}y") == "x y")
        #expect(HookEnvironment.sanitizedError(nil) == "")
    }

    @Test func errorTextIsBounded() {
        let long = String(repeating: "é", count: 1000)
        let clean = HookEnvironment.sanitizedError(long)
        #expect(clean.count == HookEnvironment.errorLimit)
        #expect(clean.hasSuffix("…"))
    }

    @Test func aHookGetsTheAllowListAndItsFactsButNoSecret() throws {
        var job = try job("pay", "0 0 * * *")
        job.passEnvironment = ["WEBHOOK_URL", "JOBCTL_STATUS"]
        let parent = [
            "PATH": "/bin", "JOBCTL_HTTP_TOKEN": "secret", "AWS_SECRET_ACCESS_KEY": "k", "WEBHOOK_URL": "https://x",
            "JOBCTL_STATUS": "forged",
        ]
        let facts = HookEnvironment(status: "failed", error: "boom\nmore", consecutiveFailures: 3, host: "h1")
        let environment = facts.make(
            from: parent, job: job, runID: 42, fire: Date(timeIntervalSince1970: 1_780_000_000))
        #expect(
            environment == [
                "PATH": "/bin", "WEBHOOK_URL": "https://x", "JOBCTL_JOB": "pay", "JOBCTL_RUN_ID": "42",
                "JOBCTL_SCHEDULED_AT": "2026-05-28T20:26:40+00:00", "JOBCTL_STATUS": "failed", "JOBCTL_ERROR": "boom",
                "JOBCTL_CONSECUTIVE_FAILURES": "3", "JOBCTL_HOST": "h1",
            ])
    }

    @Test func theHookVariablesCannotBeListedInEnv() {
        for name in HookEnvironment.names {
            #expect(ChildEnvironment.problem(withName: name) == "\(name) is set by jobctl for each run")
        }
    }
}
