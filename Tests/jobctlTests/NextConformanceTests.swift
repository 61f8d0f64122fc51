import Foundation
import Testing

/// Every case of `Fixtures/next-cases.jsonl` (docs/schedules.md#conformance-cases) through the real
/// binary.
@Suite struct NextConformanceTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var id: String
        var category: String
        var expr: String
        var tz: String
        var from: String
        var count: Int
        var expect: [String]
        var testDescription: String { "\(id) \(category): \(expr) in \(tz)" }
    }

    static let cases: [Case] = {
        let url = Binary.packageRoot.appendingPathComponent("Tests/jobctlTests/Fixtures/next-cases.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Case.self, from: Data($0.utf8)) }
    }()

    @Test func allCasesAreLoaded() {
        #expect(Self.cases.count == 400)
    }

    @Test(arguments: cases)
    func conformance(_ c: Case) throws {
        let result = try Binary.run(["next", c.expr, "--tz", c.tz, "--from", c.from, "--count", String(c.count)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").map(String.init) == c.expect)
    }
}

@Suite struct NextCommandTests {
    @Test(arguments: [
        (["next", "60 * * * *"], "minute: 60 is out of range 0-59"),
        (["next", "0 0 31 2 *"], "never fires"),
        (
            ["next", "* * * * *", "--tz", "Europe/Londn"],
            "unknown time zone 'Europe/Londn' (did you mean 'Europe/London'"
        ),
        (["next", "* * * * *", "--from", "yesterday"], "invalid timestamp 'yesterday'"),
        (["next", "@reboot"], "@reboot fires only when the scheduler starts"),
    ])
    func badInputIsOneLineAndExit2(arguments: [String], message: String) throws {
        let result = try Binary.run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jobctl: error: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func defaultsToFiveFires() throws {
        let result = try Binary.run(["next", "@hourly", "--tz", "UTC", "--from", "2026-01-01T00:00:00Z"])
        #expect(result.stdout.split(separator: "\n").count == 5)
        #expect(result.stdout.hasPrefix("2026-01-01T01:00:00+00:00\n"))
    }
}
