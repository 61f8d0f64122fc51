import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlTime

@Suite struct ConfigProblemTests {
    let reader = ConfigReader(
        path: "jobs.conf", machineZone: ZoneRules(identifier: "UTC")!, catalog: ArcadeJobs.registry.catalog)

    func firstMessage(_ text: String) throws -> String {
        do {
            _ = try reader.parse(text)
        } catch {
            return try #require(error.errors.first).message
        }
        Issue.record("expected an error")
        return ""
    }

    /// `job=zzz` read "unknown built-in job 'zzz' (built-in jobs: …); " with nothing after the
    /// `;`, and a suggestion left a trailing space.
    @Test func unknownBuiltinJobMessageEndedInADanglingSeparator() throws {
        #expect(
            try firstMessage("APP_DB=a.db\n@daily x job=zzzzzz")
                == "unknown built-in job 'zzzzzz' (built-in jobs: prizepool, leaderboard, cleanup)")
        #expect(
            try firstMessage("APP_DB=a.db\n@daily x job=clenup")
                == "unknown built-in job 'clenup' (built-in jobs: prizepool, leaderboard, cleanup); "
                + "did you mean 'cleanup'?")
    }
}
