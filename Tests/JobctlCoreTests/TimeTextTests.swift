import Foundation
import Testing

@testable import JobctlTime

/// Issue 10: four RFC 3339 formatters and three parsers (two of them Foundation's
/// `ISO8601DateFormatter`) became `TimeText`'s; these pin what the others did.
@Suite struct TimeTextTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"), (1_772_942_400_250, "2026-03-08T04:00:00.250Z"),
        (-1, "1969-12-31T23:59:59.999Z"), (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func theUTCFormatterWritesMillisecondsAsTheHistoryAndTheArcadeDid(ms: Int64, text: String) {
        #expect(TimeText.rfc3339UTC(milliseconds: ms) == text)
    }

    @Test(arguments: [
        ("2026-03-08T04:00:00Z", Int64(1_772_942_400_000)), ("2026-03-08T04:00:00.25Z", 1_772_942_400_250),
        ("2026-03-08T04:00:00.250123Z", 1_772_942_400_250), ("2026-03-08T05:00:00+01:00", 1_772_942_400_000),
        ("2026-03-07T23:00:00.5-05:00", 1_772_942_400_500), ("2026-03-08t04:00:00z", 1_772_942_400_000),
    ])
    func sinceAndTheDevelopmentClockReadAnInstantWithItsOffset(text: String, ms: Int64) {
        #expect(TimeText.instantMilliseconds(text) == ms)
    }

    @Test(arguments: ["2026-03-08T04:00:00", "2026-03-08T04:00:00.Z", "2026-02-30T00:00:00Z", "yesterday", ""])
    func anInstantWithoutAnOffsetOrMalformedIsRefused(text: String) {
        #expect(TimeText.instantMilliseconds(text) == nil)
    }

    @Test func aLocalTimeStillReadsInTheZoneAndDropsItsFraction() throws {
        let utc = try Zones.named("UTC")
        #expect(try TimeText.parse("2026-03-08T04:00:00.999", in: utc) == 1_772_942_400)
        #expect(try TimeText.parse("2026-03-08T05:00:00.5+01:00", in: utc) == 1_772_942_400)
    }
}
