import Foundation
import Testing

@testable import JobctlStore
@testable import JobctlTime

/// Issue 10 item 2: a fire time went Date → Int64 s → Date → Int64 ms, rounded down in one
/// conversion and to the nearest in another. Now `Instant.init(date:)` is the one rule, and the
/// store's milliseconds (`HistoryTime`) are that rule.
@Suite struct InstantTests {
    @Test func aFireTimeRoundsOneWayFromTheClockToTheStore() {
        // A decimal millisecond survives its double (floor alone would give …122).
        let decimal = Date(timeIntervalSince1970: 1_780_000_000.123)
        #expect(Instant(date: decimal).milliseconds == 1_780_000_000_123)
        // Below the next millisecond is not it: a clock reading never rounds up into a fire.
        let early = Date(timeIntervalSince1970: 1_780_000_000.9996)
        #expect(Instant(date: early).milliseconds == 1_780_000_000_999)
        #expect(Instant(date: early) < Instant(unixSeconds: 1_780_000_001))
        // The store stores what the fire path carries.
        for date in [decimal, early, Date(timeIntervalSince1970: -1.5)] {
            #expect(HistoryTime.milliseconds(date) == Instant(date: date).milliseconds)
        }
        #expect(Instant(date: Date(timeIntervalSince1970: -1.5)).milliseconds == -1500)
        #expect(Instant(milliseconds: -1).unixSeconds == -1)
        #expect(Instant(milliseconds: 1999).unixSeconds == 1)
        #expect(Instant(date: Instant(milliseconds: 1_780_000_000_123).date).milliseconds == 1_780_000_000_123)
    }
}
