import Foundation
import Testing

/// The development commands live in `jobctl-dev`, not in the product.
@Suite struct DevBinaryTests {
    /// Issue 10: `_history-seed`, `_run-builtin`… shipped in `jobctl`. They are gone from it, and
    /// `jobctl-dev` has them, built and current.
    @Test func developmentCommandsAreNotInTheProduct() throws {
        for command in ["_history-begin", "_history-seed", "_run-builtin", "_arcade-writer"] {
            let product = try Binary.run([command])
            #expect(product.status == 2, "jobctl \(command): \(product.stdout)")
            #expect(product.stderr.contains("jobctl: error:"), "jobctl \(command): \(product.stderr)")
            let dev = try DevBinary.run([command, "--help"])
            #expect(dev.status == 0 && dev.stdout.contains(command), "jobctl-dev \(command): \(dev.stderr)")
        }
    }

    /// A stale or missing `jobctl-dev` fails the tests with a message that says what to run,
    /// rather than testing an old build.
    @Test func aMissingDevelopmentBinaryIsReportedWithWhatToRun() {
        let message = BuiltProduct.staleness("jobctl-dev-that-does-not-exist", override: "JOBCTL_UNSET_FOR_TEST")
        #expect(message?.contains("does not exist: run `swift build` first") == true)
        #expect(DevBinary.staleness == nil, "\(DevBinary.staleness ?? "")")
    }
}
