import ArgumentParser
import Foundation
import JobctlStore

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Prometheus metrics from the history (text exposition format).")

    @OptionGroup var database: StateDatabaseOptions
    @Option(
        help: ArgumentHelp(
            "Write to this file atomically (for node_exporter's textfile collector) instead of stdout.",
            valueName: "file"))
    var output: String?

    func run() throws {
        let resolved = try database.resolve()
        try HistoryCLI.run {
            // Before the first run: the families with no samples (a valid, empty exposition).
            let store = try StateStoreOpener.openForReading(resolved.path, config: resolved.config)
            let now = Date()
            let alerts = AlertMetrics(
                generatedAt: now, expectations: resolved.config.map { JobExpectation.all($0, now: now) } ?? [],
                figures: try store?.alertFigures() ?? AlertFigures())
            let text = PrometheusExporter.render(try store?.metricsSnapshot() ?? [], alerts: alerts)
            if let output {
                try AtomicFileWriter.write(text, to: output)
            } else {
                HistoryCLI.write(text)
            }
        }
    }
}
