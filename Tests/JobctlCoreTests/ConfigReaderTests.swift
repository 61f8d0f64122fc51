import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlTime

/// Config errors with their positions marked inside the input (swift-format style): `⚑`
/// stands right before the offending text and is removed before parsing.
@Suite struct ConfigReaderTests {
    let reader = ConfigReader(
        path: "jobs.conf", machineZone: ZoneRules(identifier: "UTC")!, catalog: ArcadeJobs.registry.catalog)

    struct Case: Sendable, CustomTestStringConvertible {
        var marked: String
        var message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(marked: "0 ⚑60 * * * tick command=\"true\"", message: "hour: 60 is out of range 0-23"),
        Case(marked: "⚑60 * * * * tick command=\"true\"", message: "minute: 60 is out of range 0-59"),
        Case(
            marked: "0 0 ⚑31 2 * tick command=\"true\"",
            message: "schedule never fires: day-of-month '31' never occurs in month '2'"),
        Case(
            marked: "0 ⚑22-2 * * * tick command=\"true\"",
            message: "hour: range 22-2 runs backwards; did you mean 22-23,0-2?"),
        Case(
            marked: "@daily tick command=\"true\" tz=⚑America/New_Yrok",
            message: "tz: unknown time zone 'America/New_Yrok' (did you mean 'America/New_York'?)"),
        Case(marked: "TZ=⚑Mars/Olympus", message: "unknown time zone 'Mars/Olympus'"),
        Case(marked: "⚑STAT_DB=x.db", message: "unknown setting 'STAT_DB' (did you mean STATE_DB?)"),
        Case(
            marked: "@daily ⚑tick",
            message:
                "unknown job 'tick': not a built-in (built-in jobs: prizepool, leaderboard, cleanup); add command=\"...\" to run a shell command"
        ),
        Case(
            marked: "APP_DB=a.db\n@daily prizepool ⚑sesion_expiry=5m",
            message: "unknown option 'sesion_expiry' for job 'prizepool'"),
        Case(
            marked: "APP_DB=a.db\n@daily cleanup batch_size=⚑0",
            message: "batch_size: '0' is not a number from 1 to 100000"),
        Case(
            marked: "APP_DB=a.db\n@daily prizepool overlap=⚑allow",
            message:
                "overlap: 'allow' is refused for built-in jobs: they move money and never run twice at once (use skip or queue)"
        ),
        Case(
            marked: "@daily ⚑prizepool",
            message: "built-in job 'prizepool' needs the arcade database: set APP_DB=PATH above it"),
        Case(
            marked: "@daily tick command=\"true\" timeout=⚑5x",
            message: "timeout: '5x' is not a duration (e.g. 90s, 10m, 2h, 1d)"),
        Case(marked: "@daily tick command=\"true\" retries=3 ⚑retries=4", message: "option 'retries' is given twice"),
        Case(marked: "@daily tick command=⚑\"true", message: "unterminated quoted string"),
        Case(
            marked: "@daily tick command=\"true\"\n@hourly ⚑tick command=\"false\"",
            message: "duplicate job name 'tick' (first defined on line 1)"),
        Case(
            marked: "@every ⚑90 tick command=\"true\"", message: "@every: '90' is not a duration (e.g. 90s, 10m, 1h30m)"
        ),
        Case(
            marked: "* * * * ⚑",
            message:
                "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading second, found 4"),
    ]

    @Test(arguments: cases)
    func errorIsReportedAtTheMarkedPosition(_ c: Case) throws {
        let lines = c.marked.split(separator: "\n", omittingEmptySubsequences: false)
        let lineIndex = try #require(lines.firstIndex { $0.contains("⚑") })
        let column =
            lines[lineIndex].distance(from: lines[lineIndex].startIndex, to: lines[lineIndex].firstIndex(of: "⚑")!) + 1
        let text = c.marked.replacingOccurrences(of: "⚑", with: "")
        do {
            _ = try reader.parse(text)
            Issue.record("expected an error")
        } catch {
            let first = try #require(error.errors.first)
            if c.message.hasPrefix("expected 5 fields") {
                #expect(first.location.line == lineIndex + 1)
                #expect(first.message == c.message)
                return
            }
            #expect(first.location.line == lineIndex + 1, "\(error)")
            #expect(first.location.column == column, "\(error)")
            #expect(first.message.hasPrefix(c.message), "\(first.message)")
        }
    }

    @Test func allErrorsAreCollectedInLineOrder() {
        let text = "0 60 * * * a command=\"x\"\nFOO=1\n@daily b command=\"x\" overlap=never"
        #expect(throws: ConfigErrors.self) { try reader.parse(text) }
        do {
            _ = try reader.parse(text)
        } catch {
            #expect(error.errors.map(\.location.line) == [1, 2, 3])
            #expect(error.description.hasSuffix("3 errors"))
        }
    }

    @Test func caretUnderTheOffendingText() throws {
        do {
            _ = try reader.parse("0 60 * * * tick command=\"true\"")
        } catch {
            #expect(
                error.errors[0].description
                    == "jobs.conf:1:3: error: hour: 60 is out of range 0-23\n0 60 * * * tick command=\"true\"\n  ^~")
        }
    }

    @Test func validConfigWithSettingsOptionsAndSixFields() throws {
        let config = try reader.parse(
            """
            # comment
            TZ=Europe/London
            STATE_DB=state/jobctl.db
            APP_DB=/srv/arcade.db
            0 0 * * *      prizepool  timeout=10m
            0 20 ? * FRI#4 monthly command="echo \\"#4\\" # not a comment" # a comment
            */10 * * * * * fast command="true" tz=Asia/Kolkata overlap=queue retries=2 backoff=500ms jitter=2s catchup=off enabled=false
            @every 1h30m   every command="true"
            """)
        #expect(config.jobs.map(\.name) == ["prizepool", "monthly", "fast", "every"])
        #expect(config.stateDatabasePath == "state/jobctl.db")
        #expect(config.appDatabasePath == "/srv/arcade.db")
        #expect(config.lockDirectory == "state")
        let prizepool = config.jobs[0]
        #expect(prizepool.zone.identifier == "Europe/London" && prizepool.zoneSource == .setting)
        #expect(prizepool.catchupMilliseconds == 86_400_000)  // prizepool's default
        #expect(prizepool.timeoutMilliseconds == 600_000)
        if case .command(let command) = config.jobs[1].action {
            #expect(command == "echo \"#4\" # not a comment")
        } else {
            Issue.record("command")
        }
        let fast = config.jobs[2]
        #expect(fast.schedule.text == "*/10 * * * * *")
        #expect(fast.zone.identifier == "Asia/Kolkata" && fast.zoneSource == .option)
        #expect(
            fast.overlap == .queue && fast.retries == 2 && fast.backoffMilliseconds == 500
                && fast.jitterMilliseconds == 2000)
        #expect(fast.catchupMilliseconds == nil && !fast.enabled)
        if case .every(let seconds) = config.jobs[3].schedule.kind {
            #expect(seconds == 5400)
        } else {
            Issue.record("@every")
        }
    }
}
