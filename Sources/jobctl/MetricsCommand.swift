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
            // Before the first run: the families with no samples (a valid, empty exposition).
            let text = PrometheusExporter.render(try HistoryCLI.openForReading(resolved.path)?.metricsSnapshot() ?? [])
            if let output {
                try AtomicFileWriter.write(text, to: output)
            } else {
                HistoryCLI.write(text)
            }
        }
    }
}
