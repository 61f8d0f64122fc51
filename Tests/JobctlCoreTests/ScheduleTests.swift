import Foundation
import Testing

@testable import JobctlTime

/// Fires as RFC 3339 strings in the schedule's zone.
func fires(_ expression: String, _ zoneName: String, from: String, count: Int) throws -> [String] {
    let zone = try Zones.named(zoneName)
    let schedule = try Schedule.parse(expression)
    var t = try TimeText.parse(from, in: zone)
    var out: [String] = []
    for _ in 0..<count {
        guard let next = schedule.nextFire(after: t, in: zone) else { break }
        out.append(TimeText.rfc3339(next, in: zone))
        t = next
    }
    return out
}

struct FireCase: Sendable, CustomTestStringConvertible {
    var expression: String
    var zone: String
    var from: String
    var expected: [String]
    var testDescription: String { "\(expression) in \(zone) after \(from)" }
}

@Suite struct ScheduleTests {
    static let dstCases: [FireCase] = [
        // America/New_York spring forward 2026-03-08 02:00 → 03:00: fixed time fires at the end of the gap.
        FireCase(
            expression: "30 2 * * *", zone: "America/New_York", from: "2026-03-07T00:00:00",
            expected: ["2026-03-07T02:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
        // Periodic skips the gap.
        FireCase(
            expression: "30 * * * *", zone: "America/New_York", from: "2026-03-08T00:00:00",
            expected: ["2026-03-08T00:30:00-05:00", "2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00"]),
        // Fall back 2026-11-01 02:00 → 01:00: fixed time once at the first occurrence…
        FireCase(
            expression: "30 1 * * *", zone: "America/New_York", from: "2026-10-31T12:00:00",
            expected: ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]),
        // …periodic at both.
        FireCase(
            expression: "30 * * * *", zone: "America/New_York", from: "2026-11-01T00:00:00",
            expected: [
                "2026-11-01T00:30:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00",
                "2026-11-01T02:30:00-05:00",
            ]),
        // Several fixed times swallowed by one gap fire once.
        FireCase(
            expression: "0,15,30,45 2 * * *", zone: "America/New_York", from: "2026-03-08T01:00:00",
            expected: ["2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00"]),
        FireCase(
            expression: "0 2,3 * * *", zone: "America/New_York", from: "2026-03-08T00:00:00",
            expected: ["2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00", "2026-03-09T03:00:00-04:00"]),
        // Europe/London.
        FireCase(
            expression: "30 1 * * *", zone: "Europe/London", from: "2026-03-28T12:00:00",
            expected: ["2026-03-29T02:00:00+01:00", "2026-03-30T01:30:00+01:00"]),
        FireCase(
            expression: "*/30 1 * * *", zone: "Europe/London", from: "2026-10-25T00:00:00",
            expected: [
                "2026-10-25T01:00:00+01:00", "2026-10-25T01:30:00+01:00", "2026-10-25T01:00:00+00:00",
                "2026-10-25T01:30:00+00:00", "2026-10-26T01:00:00+00:00",
            ]),
        // Australia/Lord_Howe: 30-minute DST. Spring 2026-10-04 02:00 → 02:30; fall 2026-04-05 02:00 → 01:30.
        FireCase(
            expression: "15 2 * * *", zone: "Australia/Lord_Howe", from: "2026-10-03T12:00:00",
            expected: ["2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"]),
        FireCase(
            expression: "45 1 * * *", zone: "Australia/Lord_Howe", from: "2026-04-04T12:00:00",
            expected: ["2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"]),
        FireCase(
            expression: "*/15 1 * * *", zone: "Australia/Lord_Howe", from: "2026-04-05T01:20:00",
            expected: [
                "2026-04-05T01:30:00+11:00", "2026-04-05T01:45:00+11:00", "2026-04-05T01:30:00+10:30",
                "2026-04-05T01:45:00+10:30", "2026-04-06T01:00:00+10:30",
            ]),
        // Pacific/Chatham: 02:45 → 03:45 on 2026-09-27.
        FireCase(
            expression: "0 3 * * *", zone: "Pacific/Chatham", from: "2026-09-26T12:00:00",
            expected: ["2026-09-27T03:45:00+13:45", "2026-09-28T03:00:00+13:45"]),
        FireCase(
            expression: "*/15 * * * *", zone: "Pacific/Chatham", from: "2026-09-27T02:15:00",
            expected: ["2026-09-27T02:30:00+12:45", "2026-09-27T03:45:00+13:45", "2026-09-27T04:00:00+13:45"]),
        // Pacific/Apia skipped 2011-12-30 entirely: a daily job fires once at the end of the gap.
        FireCase(
            expression: "0 12 * * *", zone: "Pacific/Apia", from: "2011-12-28T13:00:00",
            expected: ["2011-12-29T12:00:00-10:00", "2011-12-31T00:00:00+14:00", "2011-12-31T12:00:00+14:00"]),
        FireCase(
            expression: "0 12 30 12 *", zone: "Pacific/Apia", from: "2011-12-01T00:00:00",
            expected: ["2011-12-31T00:00:00+14:00", "2012-12-30T12:00:00+14:00"]),
        // America/Santiago skips midnight (2026-09-06 00:00 → 01:00); America/Havana too (2026-03-08).
        FireCase(
            expression: "0 0 * * *", zone: "America/Santiago", from: "2026-09-05T12:00:00",
            expected: ["2026-09-06T01:00:00-03:00", "2026-09-07T00:00:00-03:00"]),
        FireCase(
            expression: "0 0 * * 0", zone: "America/Havana", from: "2026-03-01T12:00:00",
            expected: ["2026-03-08T01:00:00-04:00", "2026-03-15T00:00:00-04:00"]),
        FireCase(
            expression: "0 * * * *", zone: "America/Havana", from: "2026-03-07T22:30:00",
            expected: ["2026-03-07T23:00:00-05:00", "2026-03-08T01:00:00-04:00"]),
    ]

    @Test(arguments: dstCases)
    func daylightSavingPolicy(_ c: FireCase) throws {
        let actual = try fires(c.expression, c.zone, from: c.from, count: c.expected.count)
        #expect(actual == c.expected)
    }

    static let dialectCases: [FireCase] = [
        FireCase(
            expression: "0 0 1,15 * 5", zone: "UTC", from: "2026-05-01T00:00:00Z",
            expected: [
                "2026-05-08T00:00:00+00:00", "2026-05-15T00:00:00+00:00", "2026-05-22T00:00:00+00:00",
                "2026-05-29T00:00:00+00:00", "2026-06-01T00:00:00+00:00",
            ]),
        FireCase(
            expression: "0 0 */10 * 5", zone: "UTC", from: "2026-01-01T00:00:00Z",
            expected: [
                "2026-05-01T00:00:00+00:00", "2026-07-31T00:00:00+00:00", "2026-08-21T00:00:00+00:00",
                "2026-09-11T00:00:00+00:00",
            ]),
        FireCase(
            expression: "0 0 L * *", zone: "UTC", from: "2028-01-31T00:00:00Z",
            expected: ["2028-02-29T00:00:00+00:00", "2028-03-31T00:00:00+00:00"]),
        FireCase(
            expression: "0 0 L-2 * ?", zone: "UTC", from: "2026-02-01T00:00:00Z",
            expected: ["2026-02-26T00:00:00+00:00", "2026-03-29T00:00:00+00:00"]),
        // 1W on a Saturday is Monday the 3rd (stays in the month); 31W on a Sunday is Friday the 29th.
        FireCase(
            expression: "0 0 1W * *", zone: "UTC", from: "2026-07-31T00:00:00Z",
            expected: ["2026-08-03T00:00:00+00:00", "2026-09-01T00:00:00+00:00"]),
        FireCase(
            expression: "0 0 31W 5 *", zone: "UTC", from: "2026-01-01T00:00:00Z",
            expected: ["2026-05-29T00:00:00+00:00"]),
        FireCase(
            expression: "0 0 LW * *", zone: "UTC", from: "2026-05-01T00:00:00Z",
            expected: ["2026-05-29T00:00:00+00:00", "2026-06-30T00:00:00+00:00"]),
        FireCase(
            expression: "0 0 ? * 5L", zone: "UTC", from: "2026-05-01T00:00:00Z",
            expected: ["2026-05-29T00:00:00+00:00", "2026-06-26T00:00:00+00:00"]),
        FireCase(
            expression: "0 0 ? * MON#2", zone: "UTC", from: "2026-06-01T00:00:00Z",
            expected: ["2026-06-08T00:00:00+00:00", "2026-07-13T00:00:00+00:00"]),
        FireCase(
            expression: "0 0 ? * 5#5", zone: "UTC", from: "2026-01-01T00:00:00Z",
            expected: ["2026-01-30T00:00:00+00:00", "2026-05-29T00:00:00+00:00"]),
        FireCase(
            expression: "0 0 29 2 *", zone: "UTC", from: "2096-03-01T00:00:00Z", expected: ["2104-02-29T00:00:00+00:00"]
        ),
        FireCase(
            expression: "0 0 * * sat-SUN", zone: "UTC", from: "2026-11-23T00:00:00Z",
            expected: ["2026-11-28T00:00:00+00:00", "2026-11-29T00:00:00+00:00"]),
        FireCase(
            expression: "0 0 * * 7", zone: "UTC", from: "2026-11-23T00:00:00Z", expected: ["2026-11-29T00:00:00+00:00"]),
        FireCase(
            expression: "*/20 * * * * *", zone: "UTC", from: "2026-01-01T00:00:50Z",
            expected: ["2026-01-01T00:01:00+00:00", "2026-01-01T00:01:20+00:00"]),
        FireCase(
            expression: "@every 90s", zone: "UTC", from: "2026-01-01T00:00:00Z",
            expected: ["2026-01-01T00:01:30+00:00", "2026-01-01T00:03:00+00:00"]),
        FireCase(
            expression: "@weekly", zone: "UTC", from: "2026-11-23T00:00:00Z", expected: ["2026-11-29T00:00:00+00:00"]),
        FireCase(
            expression: "15 10 * JAN-mar/2 *", zone: "UTC", from: "2026-01-31T11:00:00Z",
            expected: ["2026-03-01T10:15:00+00:00"]),
    ]

    @Test(arguments: dialectCases)
    func dialect(_ c: FireCase) throws {
        let actual = try fires(c.expression, c.zone, from: c.from, count: c.expected.count)
        #expect(actual == c.expected)
    }

    /// A segment found without a transition in the look-behind window (Apia after it dropped
    /// DST in 2021) was cached as reaching back forever, so a later lookup in 2011 read +13:00.
    @Test func segmentWithoutTransitionInWindowDoesNotReachBack() throws {
        let zone = ZoneRules(identifier: "Pacific/Apia")!
        let schedule = try Schedule.parse("0 12 * * *")
        _ = schedule.nextFire(after: 1_700_000_000, in: zone)  // 2023: +13:00, no DST since 2021
        let t = try TimeText.parse("2011-12-28T13:00:00", in: zone)
        let next = try #require(schedule.nextFire(after: t, in: zone))
        #expect(TimeText.rfc3339(next, in: zone) == "2011-12-29T12:00:00-10:00")
    }

    @Test func tzdataFooterRuleMatchesFoundationFarAhead() throws {
        // Beyond the last listed transition the POSIX rule of the TZif footer applies.
        let zone = try Zones.named("America/New_York")
        #expect(
            try fires("30 2 * * *", "America/New_York", from: "2090-03-11T12:00:00", count: 2)
                == ["2090-03-12T03:00:00-04:00", "2090-03-13T02:30:00-04:00"])
        #expect(zone.offset(at: 3_800_000_000) == -4 * 3600)  // 2090-06
    }

    @Test func rebootHasNoNextFire() throws {
        let schedule = try Schedule.parse("@reboot")
        #expect(schedule.nextFire(after: 0, in: try Zones.named("UTC")) == nil)
    }

    @Test func periodicDefinition() throws {
        #expect(try Schedule.parse("*/15 * * * *").isPeriodic)
        #expect(try Schedule.parse("30 * * * *").isPeriodic)
        #expect(try !Schedule.parse("30 2 * * *").isPeriodic)
        #expect(try !Schedule.parse("0 0-59 2 * * *").isPeriodic)
        #expect(try Schedule.parse("@hourly").isPeriodic)
        #expect(try !Schedule.parse("@daily").isPeriodic)
    }

    /// Fire times are strictly increasing over a whole year of DST transitions in many zones.
    @Test(arguments: [
        "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago", "Europe/London",
        "Pacific/Apia",
    ])
    func firesStrictlyIncrease(zoneName: String) throws {
        let zone = try Zones.named(zoneName)
        for expression in ["*/7 * * * *", "30 2 * * *", "0,30 0-3 * * *", "0 */5 * * * *"] {
            let schedule = try Schedule.parse(expression)
            var t = try TimeText.parse("2011-01-01T00:00:00Z", in: zone)
            for _ in 0..<20_000 {
                let next = try #require(schedule.nextFire(after: t, in: zone))
                #expect(next > t)
                t = next
            }
        }
    }
}

@Suite struct CronErrorTests {
    static let cases: [(String, String)] = [
        ("60 * * * *", "minute: 60 is out of range 0-59"),
        ("* 24 * * *", "hour: 24 is out of range 0-23"),
        ("* * 0 * *", "day-of-month: 0 is out of range 1-31"),
        ("* * * 13 *", "month: 13 is out of range 1-12"),
        ("* * * * 8", "day-of-week: 8 is out of range 0-7"),
        ("0 22-2 * * *", "hour: range 22-2 runs backwards; did you mean 22-23,0-2?"),
        ("*/0 * * * *", "minute: step must be at least 1"),
        ("0 0 31 2 *", "schedule never fires: day-of-month '31' never occurs in month '2'"),
        ("0 0 30 2 *", "schedule never fires: day-of-month '30' never occurs in month '2'"),
        (
            "* * * *",
            "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading second, found 4"
        ),
        ("* * * FOO *", "month: 'FOO' is not a month (1-12 or JAN-DEC)"),
        ("? * * * *", "minute: '?' is only allowed in day-of-month and day-of-week"),
        ("0 0 * * MON#6", "day-of-week: 'MON#6': n#k takes k from 1 to 5"),
        ("1,,2 * * * *", "minute: empty item in list '1,,2'"),
        ("@every 1500ms", "@every: the interval must be a whole number of seconds, at least 1s"),
        (
            "@sometimes",
            "unknown macro '@sometimes' (known: @yearly @annually @monthly @weekly @daily @midnight @hourly @every @reboot)"
        ),
    ]

    @Test(arguments: cases)
    func messages(_ expression: String, _ message: String) {
        #expect(throws: CronError.self) { try Schedule.parse(expression) }
        do {
            _ = try Schedule.parse(expression)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func stepOfZeroIsRejected() {
        #expect(throws: CronError.self) { try Schedule.parse("0 */0 * * *") }
    }

    @Test func errorSpanPointsAtTheField() throws {
        do {
            _ = try Schedule.parse("0  60 * * *")
            Issue.record("expected an error")
        } catch {
            #expect(error.span == 3..<5)
        }
    }

    @Test func unknownZoneSuggestsClosest() {
        #expect(throws: Zones.LookupError.unknown(name: "america/new_york", suggestions: ["America/New_York"])) {
            try Zones.named("america/new_york")
        }
        #expect(Zones.suggestions(for: "Europe/Londn").first == "Europe/London")
    }
}
