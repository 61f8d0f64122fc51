import Foundation

/// Durations in milliseconds, and their percentiles (nearest rank, as the shell benches print).
struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ milliseconds: Double) { values.append(milliseconds) }

    mutating func add(since start: DispatchTime) {
        add(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
    }

    var count: Int { values.count }

    func percentile(_ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    var mean: Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

    /// `p50 X ms, p99 Y ms, max Z ms, mean W ms (N)`.
    var summary: String {
        String(
            format: "p50 %.2f ms, p99 %.2f ms, max %.2f ms, mean %.2f ms (%d)", percentile(50), percentile(99),
            percentile(100), mean, count)
    }
}
