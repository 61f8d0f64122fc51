import ArgumentParser
import Foundation
import JobctlCore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate the config; print every error, or the job table.")
    func run() async throws {}
}
