import Foundation
import Testing

@testable import JobctlPostgres

@Suite("Values and rows")
struct PostgresValueTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01 00:00:00.000000+00"),
        (1_772_953_200_123_456, "2026-03-08 07:00:00.123456+00"),
        (-1, "1969-12-31 23:59:59.999999+00"),
        (951_782_400_000_000, "2000-02-29 00:00:00.000000+00"),
        (-62_135_596_800_000_000, "0001-01-01 00:00:00.000000+00"),
        (-62_135_596_800_000_001, "0001-12-31 23:59:59.999999+00 BC"),
    ])
    func timestampsFormatAndParseExactly(_ micros: Int64, _ text: String) {
        #expect(PostgresValue.timestamp(microsecondsSinceEpoch: micros).text == text)
        #expect(PostgresTimestamp.parse(text) == micros)
    }

    @Test(arguments: [
        ("2026-03-08 02:00:00-05", Int64(1_772_953_200_000_000)),
        ("2026-03-08 12:30:00.5+05:30", 1_772_953_200_500_000),
        ("1890-01-01 00:00:00+00:53:28", -2_524_524_808_000_000),
    ])
    func timestampOffsetsAreApplied(_ text: String, _ micros: Int64) {
        #expect(PostgresTimestamp.parse(text) == micros)
    }

    @Test(arguments: [
        "infinity", "2026-03-08 07:00:00", "03/08/2026 07:00:00 UTC", "2026-02-30 00:00:00+00",
        "2026-03-08 07:00:00.1234567+00", "Sun Mar 08 07:00:00 2026 UTC",
    ])
    func timestampTextInOtherStylesIsRefused(_ text: String) {
        #expect(PostgresTimestamp.parse(text) == nil)
    }

    @Test func integerAccessorRejectsNonIntegerText() throws {
        let row = PostgresRow(
            columns: ["word", "missing", "big", "n", "flag", "x"],
            values: ["abc", nil, "9223372036854775808", "-42", "t", "1.5"])
        #expect(throws: PostgresError.self) { try row.int64("word") }
        #expect(try row.int64("missing") == nil)
        #expect(throws: PostgresError.self) { try row.int64("big") }
        #expect(try row.int64("n") == -42)
        #expect(throws: PostgresError.self) { try row.int64("x") }
        #expect(try row.double("x") == 1.5)
        #expect(try row.bool("flag") == true)
        #expect(throws: PostgresError.self) { try row.bool("n") }
        let error = try #require(throws: PostgresError.self) { try row.string("nope") }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("no column \"nope\""))
    }

    @Test func doublesUsePostgresSpellings() {
        #expect(PostgresValue.double(.nan).text == "NaN")
        #expect(PostgresValue.double(-.infinity).text == "-Infinity")
        #expect(PostgresValue.double(0.1).text == "0.1")
    }
}
