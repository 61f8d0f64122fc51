import ArgumentParser
import Foundation
import JobctlCore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config: print every error (exit 2), or the job table (exit 0).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        print("\(config.path): \(config.jobs.count) job\(config.jobs.count == 1 ? "" : "s"), no errors")
        print(config.jobTable(after: Date().unixSeconds), terminator: "")
    }
}
