import Foundation
import GRDB

/// A run's metrics as the history stores them: JSON with sorted keys.
package enum HistoryJSON {
    package static func encodeMetrics(_ metrics: JobMetrics) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(metrics), as: UTF8.self)
    }
}
