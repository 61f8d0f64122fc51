import ArgumentParser
import Foundation
import JobctlCore

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Prometheus metrics from the history (text exposition format).")

    @OptionGroup var database: StateDatabaseOptions
    @Option(help: ArgumentHelp("Write to this file atomically (for node_exporter's textfile collector) instead of stdout.", valueName: "file"))
    var output: String?

    func run() throws {
        let resolved = try database.resolve()
        try HistoryCLI.run {
            let store = try HistoryCLI.openForReading(resolved.path)
            let text = PrometheusExporter.render(try store.metricsSnapshot())
            if let output {
                try AtomicFileWriter.write(text, to: output)
            } else {
                HistoryCLI.write(text)
            }
        }
    }
}
