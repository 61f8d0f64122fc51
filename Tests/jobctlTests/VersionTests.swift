import Foundation
import JobctlStore
import Testing

@Suite struct VersionTests {
    @Test func versionFlagPrintsTheLibrarysVersionAndExitsZero() throws {
        let result = try Binary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == JobctlVersion.current)
    }
}

@Suite struct BinaryFreshnessTests {
    /// `swift test` alone doesn't rebuild the executable: the end-to-end tests refuse a binary
    /// older than the sources, with this message, instead of testing a stale one.
    @Test func theBinaryUnderTestIsNotOlderThanTheSources() {
        #expect(Binary.staleness == nil, "\(Binary.staleness ?? "")")
    }
}
