import Foundation
import JobctlStore
import JobctlTime

extension HistoryTime {
    /// Wall-clock time in `zone` with its offset: `2026-03-08 03:00:05 -04:00`.
    public static func local(_ date: Date, in zone: TimeZone, seconds: Bool = true) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let utcSeconds = Civil.floorDiv(milliseconds(date), 1000)
        let civil = CivilDateTime(localSeconds: utcSeconds + Int64(offset))
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        let time =
            seconds
            ? String(format: "%02d:%02d:%02d", civil.hour, civil.minute, civil.second)
            : String(format: "%02d:%02d", civil.hour, civil.minute)
        return String(
            format: "%04d-%02d-%02d %@ %@%02d:%02d", civil.year, civil.month, civil.day, time, sign,
            magnitude / 3600, magnitude / 60 % 60)
    }
}

/// Renders history and stats for people (tables) and programs (JSON). Returns strings; never
/// prints.
public enum HistoryRenderer {
    /// The history table. `zone` gives a job's time zone (nil: UTC); `readings` how the jobs'
    /// counters read; colour codes only when `color` is true. Ends with a newline; "no
    /// executions" when empty.
    public static func table(
        _ records: [ExecutionRecord], zone: (String) -> TimeZone? = { _ in nil }, readings: CounterReadings,
        color: Bool
    ) -> String {
        if records.isEmpty { return "no executions\n" }
        let utc = TimeZone(secondsFromGMT: 0) ?? TimeZone.current
        let header = ["STARTED", "JOB", "STATUS", "DURATION", "TRIGGER", "ATTEMPT", "SUMMARY"]
        let rows: [[String]] = records.map { record in
            let trigger =
                record.triggeredBy == .manual
                ? "manual" + (record.triggeredByUser.map { " (\($0))" } ?? "") : record.triggeredBy.rawValue
            return [
                HistoryTime.local(record.startedAt, in: zone(record.job) ?? utc), record.job,
                record.status.rawValue, DurationText.readable(milliseconds: record.durationMs), trigger,
                String(record.attempt), HistoryFormat.outcome(of: record, readings: readings),
            ]
        }
        let statusColors = records.map { HistoryFormat.color(for: $0.status) }
        return layout(header: header, rows: rows, rightAligned: [3, 5]) { rowIndex, column, cell in
            guard color, column == 2, let rowIndex else { return cell }
            return statusColors[rowIndex] + cell + "\u{1B}[0m"
        }
    }

    /// Pretty-printed JSON array with sorted keys; see `ExecutionJSON`.
    public static func json(_ records: [ExecutionRecord]) throws -> String {
        try encode(records.map(ExecutionJSON.init))
    }

    /// The stats table: one line per job and a final "(all)" line.
    public static func statsTable(_ stats: HistoryStats, zone: (String) -> TimeZone? = { _ in nil }, color: Bool)
        -> String
    {
        if stats.jobs.isEmpty { return "no executions\n" }
        let utc = TimeZone(secondsFromGMT: 0) ?? TimeZone.current
        let header = [
            "JOB", "RUNS", "OK", "FAILED", "PARTIAL", "SKIPPED", "SUCCESS", "P50", "P95", "MAX", "LATE AVG",
            "LATE MAX", "LAST SUCCESS", "LAST FAILURE", "FAILING",
        ]
        func row(_ s: JobStats) -> [String] {
            let tz = s.job.flatMap(zone) ?? utc
            return [
                s.job ?? "(all)", String(s.runs), String(s.succeeded), String(s.failed), String(s.partial),
                String(s.skipped), s.successRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-",
                DurationText.readable(milliseconds: s.durationP50Ms),
                DurationText.readable(milliseconds: s.durationP95Ms),
                DurationText.readable(milliseconds: s.durationMaxMs),
                DurationText.readable(milliseconds: s.latenessMeanMs.map { Int64($0.rounded()) }),
                DurationText.readable(milliseconds: s.latenessMaxMs),
                s.lastSuccess.map { HistoryTime.local($0, in: tz, seconds: false) } ?? "-",
                s.lastFailure.map { HistoryTime.local($0, in: tz, seconds: false) } ?? "-",
                s.consecutiveFailures.map(String.init) ?? "-",
            ]
        }
        let all = stats.jobs + [stats.overall]
        let rows = all.map(row)
        let rightAligned = Set(1...11).union([14])
        let table = layout(header: header, rows: rows, rightAligned: rightAligned) { rowIndex, column, cell in
            guard color, column == 14, let rowIndex, let failing = all[rowIndex].consecutiveFailures, failing > 0
            else { return cell }
            return "\u{1B}[31m" + cell + "\u{1B}[0m"
        }
        // After the table, one line each: a warning, not an error (the exit code stays 0).
        let warnings = stats.warnings.map { (color ? "\u{1B}[33mwarning:\u{1B}[0m " : "warning: ") + $0.message + "\n" }
        return table + warnings.joined()
    }

    /// Pretty-printed JSON object with sorted keys; see `HistoryStatsJSON`.
    public static func statsJSON(_ stats: HistoryStats) throws -> String {
        try encode(HistoryStatsJSON(stats))
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Pads cells to column widths (by characters, before any colour is added), two spaces
    /// between columns, no trailing spaces.
    static func layout(
        header: [String], rows: [[String]], rightAligned: Set<Int>,
        decorate: (_ row: Int?, _ column: Int, _ cell: String) -> String
    ) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String], _ rowIndex: Int?) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                let isLast = i == cells.count - 1
                let decorated = decorate(rowIndex, i, cell)
                if i > 0 { out += "  " }
                if rightAligned.contains(i) {
                    out += padding + decorated
                } else {
                    out += decorated + (isLast ? "" : padding)
                }
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        var lines = [line(header, nil)]
        for (index, row) in rows.enumerated() { lines.append(line(row, index)) }
        return lines.joined(separator: "\n") + "\n"
    }
}
