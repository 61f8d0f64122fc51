/// The text `PrometheusExporter.render` builds: families (HELP and TYPE lines, then samples).
final class PrometheusText {
    private(set) var out = ""

    func family(_ name: String, _ type: String, _ help: String, _ samples: () -> Void) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        samples()
    }

    func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
        let labelText = labels.map { "\($0.0)=\"\(PrometheusExporter.escape($0.1))\"" }.joined(separator: ",")
        out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(labelText)} \(value)\n"
    }
}
