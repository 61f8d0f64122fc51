import ArgumentParser
@main struct Jobctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobctl",
        subcommands: [
            HistoryCommand.self, StatsCommand.self, MetricsCommand.self,
            HistoryBeginCommand.self, HistorySeedCommand.self,
        ])
    func run() async throws {}
}
