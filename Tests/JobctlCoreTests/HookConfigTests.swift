import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// `on_failure=`, `on_recovery=`, `alert_after=`, `warn_after=`, `hook_timeout=`, `ON_FAILURE=`
/// and `MAX_CONCURRENT=` in `jobs.conf`.
@Suite struct HookConfigTests {
    let reader = ConfigReader(
        path: "jobs.conf", machineZone: ZoneRules(identifier: "UTC")!, catalog: ArcadeJobs.registry.catalog)

    /// The first error of `text`: line, column and message.
    func firstError(_ text: String) -> (line: Int, column: Int, message: String)? {
        do {
            _ = try reader.parse(text)
            return nil
        } catch {
            return error.errors.first.map { ($0.location.line, $0.location.column, $0.message) }
        }
    }

    @Test func hookOptionsAreReadOntoTheJob() throws {
        let config = try reader.parse(
            """
            @daily pay command="true" on_failure="curl -d x https://chat" on_recovery="echo ok" alert_after=3 \
            warn_after=10m hook_timeout=5s timeout=1h
            """)
        let hooks = try #require(config.jobs.first).hooks
        #expect(hooks.onFailure == "curl -d x https://chat")
        #expect(hooks.onRecovery == "echo ok")
        #expect(hooks.alertAfter == 3)
        #expect(hooks.warnAfterMilliseconds == 600_000)
        #expect(hooks.timeoutMilliseconds == 5_000)
    }

    @Test func defaultsAreOneFailureAndThirtySeconds() throws {
        let hooks = try #require(try reader.parse("@daily a command=\"true\" on_failure=\"x\"").jobs.first).hooks
        #expect(hooks.alertAfter == 1 && hooks.timeoutMilliseconds == 30_000 && hooks.warnAfterMilliseconds == nil)
    }

    @Test func onFailureSettingAppliesBelowItUntilReset() throws {
        let config = try reader.parse(
            """
            @daily before command="true"
            ON_FAILURE="notify $JOBCTL_JOB"
            @daily first command="true"
            @daily own command="true" on_failure="mine"
            @daily off command="true" on_failure=""
            ON_FAILURE=
            @daily after command="true"
            """)
        #expect(config.jobs.map(\.hooks.onFailure) == [nil, "notify $JOBCTL_JOB", "mine", nil, nil])
    }

    @Test func onRecoveryWithoutAFailureHookIsRefusedAtTheOption() throws {
        let error = try #require(firstError("@daily a command=\"true\" on_recovery=\"echo ok\""))
        #expect(error.line == 1 && error.column == 25)
        #expect(
            error.message
                == "on_recovery= needs a failure hook: set on_failure=\"…\" on this line or ON_FAILURE= above it")
    }

    @Test(arguments: ["alert_after=2", "warn_after=5m"])
    func optionsOfTheFailureHookNeedOne(option: String) throws {
        let error = try #require(firstError("@daily a command=\"true\" \(option)"))
        #expect(error.message.hasPrefix("\(option.prefix { $0 != "=" })= needs a failure hook"))
    }

    @Test func warnAfterThatTheTimeoutAlwaysBeatsIsRefused() throws {
        let error = try #require(firstError("@daily a command=\"true\" on_failure=\"x\" timeout=5m warn_after=5m"))
        #expect(error.column == 62)
        #expect(
            error.message
                == "warn_after: 5m is not shorter than timeout=5m: the run would be stopped before it is overdue")
    }

    @Test(arguments: [
        ("alert_after=0", "alert_after: '0' is not a number from 1 to 10000"),
        ("hook_timeout=0", "hook_timeout: must be longer than 0"),
        ("hook_timeout=2h", "hook_timeout: 2h is longer than 1h, the most a hook may run"),
        ("warn_after=soon", "warn_after: 'soon' is not a duration (e.g. 90s, 10m, 2h, 1d)"),
        ("on_falure=\"x\"", "unknown option 'on_falure' for a command job (did you mean 'on_failure'?)"),
    ])
    func badHookValuesAreReported(option: String, message: String) throws {
        let error = try #require(firstError("@daily a command=\"true\" on_failure=\"x\" \(option)"))
        #expect(error.message == message)
    }

    @Test func maxConcurrentIsReadOnce() throws {
        #expect(try reader.parse("MAX_CONCURRENT=4\n@daily a command=\"true\"").maxConcurrent == 4)
        #expect(try reader.parse("@daily a command=\"true\"").maxConcurrent == nil)
        #expect(firstError("MAX_CONCURRENT=0")?.message == "MAX_CONCURRENT: '0' is not a number from 1 to 10000")
        #expect(firstError("MAX_CONCURRENT=many")?.column == 16)
        #expect(firstError("MAX_CONCURRENT=2\nMAX_CONCURRENT=3")?.message == "MAX_CONCURRENT is already set on line 1")
    }

    @Test func builtinJobsTakeHooks() throws {
        let config = try reader.parse("APP_DB=a.db\nON_FAILURE=\"page\"\n0 0 * * * prizepool alert_after=2")
        #expect(config.jobs.first?.hooks == JobHooks(onFailure: "page", alertAfter: 2))
    }
}
