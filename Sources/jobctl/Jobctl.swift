import ArgumentParser
@main struct Jobctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobctl")
    func run() async throws {}
}
