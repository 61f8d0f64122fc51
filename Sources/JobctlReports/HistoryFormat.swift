import Foundation
import JobctlStore
import JobctlTime

/// Human-readable figures, shared by the history and stats tables.
public enum HistoryFormat {
    /// The first line of `text`, at most `limit` characters.
    public static func firstLine(_ text: String, limit: Int = 80) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }

    /// What the history table shows for a run: its error when it failed or was skipped, else a
    /// summary of its metrics (and the reason of a partial run).
    public static func outcome(of record: ExecutionRecord, readings: CounterReadings) -> String {
        switch record.status {
        case .failed, .timedOut, .interrupted, .abandoned, .skipped:
            return record.error.map { firstLine($0) } ?? ""
        case .running:
            return "running"
        case .queued:
            return "queued (overlap=queue): waits for the running one"
        case .succeeded, .partial:
            var parts: [String] = []
            if let metrics = record.metrics { parts.append(metrics.summary(readings)) }
            if record.status == .partial, let error = record.error { parts.append(firstLine(error, limit: 60)) }
            return parts.joined(separator: " · ")
        }
    }

    static func color(for status: ExecutionStatus) -> String {
        switch status {
        case .succeeded: return "\u{1B}[32m"
        case .failed, .timedOut, .interrupted, .abandoned: return "\u{1B}[31m"
        case .partial: return "\u{1B}[33m"
        case .skipped: return "\u{1B}[2m"
        case .running, .queued: return "\u{1B}[36m"
        }
    }
}
