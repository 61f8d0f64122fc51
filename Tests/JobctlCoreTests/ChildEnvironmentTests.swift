import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlTime

/// The environment of command jobs (issue 9, item 6): an allow-list, never the scheduler's.
@Suite struct ChildEnvironmentTests {
    let reader = ConfigReader(
        path: "jobs.conf", machineZone: ZoneRules(identifier: "UTC")!, catalog: ArcadeJobs.registry.catalog)
    let scheduler = [
        "PATH": "/usr/bin:/bin", "HOME": "/home/ops", "LC_TIME": "C", "JOBCTL_HTTP_TOKEN": "secret",
        "FOO": "bar", "AWS_SECRET_ACCESS_KEY": "x", "JOBCTL_JOB": "forged",
    ]

    @Test func theSchedulersTokenAndOtherVariablesDoNotReachAJob() {
        let env = ChildEnvironment.make(from: scheduler, passing: [], job: "backup", runID: 7, scheduledAt: nil)
        let expected = [
            "PATH": "/usr/bin:/bin", "HOME": "/home/ops", "LC_TIME": "C", "JOBCTL_JOB": "backup", "JOBCTL_RUN_ID": "7",
        ]
        #expect(env == expected)
    }

    @Test func passedNamesAreAddedButNeverASecret() {
        let env = ChildEnvironment.make(
            from: scheduler, passing: ["FOO", "JOBCTL_HTTP_TOKEN", "MISSING"], job: "backup", runID: 7,
            scheduledAt: "2026-11-23T04:00:00+00:00")
        #expect(env["FOO"] == "bar")
        #expect(env["JOBCTL_HTTP_TOKEN"] == nil)
        #expect(env["MISSING"] == nil)
        #expect(env["JOBCTL_SCHEDULED_AT"] == "2026-11-23T04:00:00+00:00")
    }

    @Test func envOptionAndPassEnvSettingAddUp() throws {
        let config = try reader.parse(
            """
            @daily first command="env"
            PASS_ENV=FOO,BAR
            @daily second command="env" env=BAZ,FOO
            PASS_ENV=
            @daily third command="env"
            """)
        #expect(config.jobs.map(\.passEnvironment) == [[], ["FOO", "BAR", "BAZ"], []])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var marked: String
        var message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(
            marked: "@daily t command=\"env\" env=FOO,⚑JOBCTL_HTTP_TOKEN",
            message: "env: JOBCTL_HTTP_TOKEN is a secret of the scheduler and is never passed to jobs"),
        Case(marked: "PASS_ENV=A,⚑JOBCTL_HTTP_TOKEN", message: "PASS_ENV: JOBCTL_HTTP_TOKEN is a secret"),
        Case(marked: "@daily t command=\"env\" env=⚑JOBCTL_RUN_ID", message: "env: JOBCTL_RUN_ID is set by jobctl"),
        Case(marked: "@daily t command=\"env\" env=\"A, ⚑9x\"", message: "env: '9x' is not a variable name"),
        Case(marked: "APP_DB=a.db\n@daily cleanup env=⚑FOO", message: "env: only command jobs start processes"),
    ]

    @Test(arguments: cases)
    func namingASecretIsALocatedConfigError(_ c: Case) throws {
        let lines = c.marked.split(separator: "\n", omittingEmptySubsequences: false)
        let lineIndex = try #require(lines.firstIndex { $0.contains("⚑") })
        let line = lines[lineIndex]
        let column = try line.distance(from: line.startIndex, to: #require(line.firstIndex(of: "⚑"))) + 1
        do {
            _ = try reader.parse(c.marked.replacingOccurrences(of: "⚑", with: ""))
            Issue.record("expected an error")
        } catch {
            let first = try #require(error.errors.first)
            #expect(first.location.line == lineIndex + 1, "\(error)")
            #expect(first.location.column == column, "\(error)")
            #expect(first.message.hasPrefix(c.message), "\(first.message)")
        }
    }
}
