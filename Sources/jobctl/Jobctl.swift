import ArgumentParser
@main struct Jobctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobctl",
        subcommands: [DemoDataCommand.self, RunBuiltinCommand.self, ArcadeWriterCommand.self])
    func run() async throws {}
}
