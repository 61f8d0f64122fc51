import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlTime

/// Tens of thousands of random and mutated expressions and config lines: no crash, no hang.
@Suite struct RobustnessTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let atoms = [
        "*", "?", "0", "1", "5", "7", "12", "15", "23", "29", "30", "31", "59", "60", "L", "W", "LW", "L-3", "15W",
        "5L", "MON#2", "FRI#5", "JAN", "dec", "sun", "MON-FRI", "*/5", "1-5", "22-2", "0/15", "*/0", "1,2", "#", "-",
        "/", ",", "@", "x",
    ]
    static let seeds = [
        "*/5 * * * *", "0 3 * * *", "0 0 29 2 *", "0 0 1,15 * 5", "0 0 ? * 5L", "0 10 15W * ?", "30 2 * * *",
        "@every 90s", "0 0 L-2 * *",
    ]
    static let zones = [
        "UTC", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Apia", "America/Santiago",
    ]

    @Test func randomAndMutatedExpressionsNeverCrashOrHang() throws {
        var rng = SplitMix(state: 42)
        let zoneRules = try Self.zones.map { try Zones.named($0) }
        var slowest: Duration = .zero
        let clock = ContinuousClock()
        for i in 0..<30_000 {
            var text: String
            if i % 2 == 0 {
                let count = Int.random(in: 1...7, using: &rng)
                text = (0..<count).map { _ in Self.atoms.randomElement(using: &rng)! }.joined(separator: " ")
            } else {
                var chars = Array(Self.seeds.randomElement(using: &rng)!)
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let position = Int.random(in: 0...chars.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0 where position < chars.count: chars.remove(at: position)
                    case 1: chars.insert(Array("0123456789*/-,?LW#@ xé").randomElement(using: &rng)!, at: position)
                    default:
                        if position < chars.count {
                            chars[position] = Array("0123456789*/-, ").randomElement(using: &rng)!
                        }
                    }
                }
                text = String(chars)
            }
            let zone = zoneRules[i % zoneRules.count]
            let elapsed = clock.measure {
                guard let schedule = try? Schedule.parse(text) else { return }
                var t: Int64 = 1_700_000_000 + Int64(i) * 7919
                for _ in 0..<3 {
                    guard let next = schedule.nextFire(after: t, in: zone) else { break }
                    #expect(next > t, "\(text)")
                    t = next
                }
            }
            slowest = max(slowest, elapsed)
        }
        // A hang would take forever; the bound is generous for a debug build on a busy machine.
        #expect(slowest < .seconds(2))
    }

    @Test func randomConfigLinesNeverCrash() {
        var rng = SplitMix(state: 7)
        let words = [
            "0", "*", "*/5", "3", "cleanup", "prizepool", "job=cleanup", "command=\"echo hi\"",
            "command=\"unterminated", "tz=UTC",
            "tz=Nowhere/City", "timeout=5m", "timeout=5", "retries=3", "retries=x", "overlap=queue", "catchup=1d",
            "jitter=0",
            "TZ=UTC", "STATE_DB=", "APP_DB=app.db", "#", "# comment", "@daily", "@every", "1h", "=", "a=b=c", "\"", "é",
            "\t",
        ]
        let reader = ConfigReader(
            path: "fuzz.conf", machineZone: ZoneRules(TimeZone(identifier: "UTC")!),
            catalog: ArcadeJobs.registry.catalog)
        for _ in 0..<20_000 {
            let lineCount = Int.random(in: 1...4, using: &rng)
            let text = (0..<lineCount).map { _ in
                (0..<Int.random(in: 0...8, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(
                    separator: " ")
            }.joined(separator: "\n")
            do {
                _ = try reader.parse(text)
            } catch {
                for e in error.errors {
                    #expect(e.location.line >= 1 && e.location.line <= lineCount)
                    #expect(e.location.column >= 1)
                    #expect(!e.message.isEmpty)
                }
            }
        }
    }
}
