import Foundation

/// One execution as JSON, for `jobctl history --json` and the HTTP API. Field names are
/// stable camelCase; every field is always present (null when unknown). Times are RFC 3339 in
/// UTC with milliseconds: `2026-03-08T07:00:00.250Z`.
public struct ExecutionJSON: Sendable, Codable, Equatable {
    public var id: Int64
    public var job: String
    public var status: String
    public var scheduledFor: String?
    public var startedAt: String
    public var finishedAt: String?
    public var durationMs: Int64?
    public var latenessMs: Int64?
    public var attempt: Int
    public var triggeredBy: String
    /// The user of a manual run.
    public var user: String?
    public var host: String
    public var pid: Int32
    public var metrics: JobMetrics?
    public var error: String?
    /// The last 4 KiB of a command job's output.
    public var output: String?

    /// The field names, in the order the JSON sorts them.
    public static let fieldNames = [
        "attempt", "durationMs", "error", "finishedAt", "host", "id", "job", "latenessMs", "metrics", "output",
        "pid", "scheduledFor", "startedAt", "status", "triggeredBy", "user",
    ]

    public init(_ record: ExecutionRecord) {
        id = record.id ?? 0
        job = record.job
        status = record.status.rawValue
        scheduledFor = record.scheduledAt.map(HistoryTime.rfc3339(_:))
        startedAt = HistoryTime.rfc3339(record.startedAt)
        finishedAt = record.finishedAt.map(HistoryTime.rfc3339(_:))
        durationMs = record.durationMs
        latenessMs = record.latenessMs
        attempt = record.attempt
        triggeredBy = record.triggeredBy.rawValue
        user = record.triggeredByUser
        host = record.host
        pid = record.pid
        metrics = record.metrics
        error = record.error
        output = record.output
    }

    enum CodingKeys: String, CodingKey {
        case id, job, status, scheduledFor, startedAt, finishedAt, durationMs, latenessMs, attempt, triggeredBy
        case user, host, pid, metrics, error, output
    }

    /// Encodes absent values as `null` (the synthesized encoder would leave the key out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(job, forKey: .job)
        try c.encode(status, forKey: .status)
        try c.encode(scheduledFor, forKey: .scheduledFor)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(durationMs, forKey: .durationMs)
        try c.encode(latenessMs, forKey: .latenessMs)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(triggeredBy, forKey: .triggeredBy)
        try c.encode(user, forKey: .user)
        try c.encode(host, forKey: .host)
        try c.encode(pid, forKey: .pid)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(error, forKey: .error)
        try c.encode(output, forKey: .output)
    }
}

/// Stats of one job (or overall, `job` null) as JSON.
public struct JobStatsJSON: Sendable, Codable, Equatable {
    public var job: String?
    public var totalExecutions: Int
    public var successfulExecutions: Int
    public var failedExecutions: Int
    public var partialExecutions: Int
    public var skippedExecutions: Int
    public var runningExecutions: Int
    /// 0…1, rounded to 4 decimals; null when nothing finished.
    public var successRate: Double?
    public var durationP50Ms: Int64?
    public var durationP95Ms: Int64?
    public var durationMaxMs: Int64?
    public var latenessMeanMs: Double?
    public var latenessMaxMs: Int64?
    public var lastSuccessAt: String?
    public var lastFailureAt: String?
    public var consecutiveFailures: Int?

    public init(_ stats: JobStats) {
        job = stats.job
        totalExecutions = stats.runs
        successfulExecutions = stats.succeeded
        failedExecutions = stats.failed
        partialExecutions = stats.partial
        skippedExecutions = stats.skipped
        runningExecutions = stats.running
        successRate = stats.successRate.map { ($0 * 10_000).rounded() / 10_000 }
        durationP50Ms = stats.durationP50Ms
        durationP95Ms = stats.durationP95Ms
        durationMaxMs = stats.durationMaxMs
        latenessMeanMs = stats.latenessMeanMs.map { ($0 * 10).rounded() / 10 }
        latenessMaxMs = stats.latenessMaxMs
        lastSuccessAt = stats.lastSuccess.map(HistoryTime.rfc3339(_:))
        lastFailureAt = stats.lastFailure.map(HistoryTime.rfc3339(_:))
        consecutiveFailures = stats.consecutiveFailures
    }

    enum CodingKeys: String, CodingKey {
        case job, totalExecutions, successfulExecutions, failedExecutions, partialExecutions, skippedExecutions
        case runningExecutions, successRate, durationP50Ms, durationP95Ms, durationMaxMs, latenessMeanMs
        case latenessMaxMs, lastSuccessAt, lastFailureAt, consecutiveFailures
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(job, forKey: .job)
        try c.encode(totalExecutions, forKey: .totalExecutions)
        try c.encode(successfulExecutions, forKey: .successfulExecutions)
        try c.encode(failedExecutions, forKey: .failedExecutions)
        try c.encode(partialExecutions, forKey: .partialExecutions)
        try c.encode(skippedExecutions, forKey: .skippedExecutions)
        try c.encode(runningExecutions, forKey: .runningExecutions)
        try c.encode(successRate, forKey: .successRate)
        try c.encode(durationP50Ms, forKey: .durationP50Ms)
        try c.encode(durationP95Ms, forKey: .durationP95Ms)
        try c.encode(durationMaxMs, forKey: .durationMaxMs)
        try c.encode(latenessMeanMs, forKey: .latenessMeanMs)
        try c.encode(latenessMaxMs, forKey: .latenessMaxMs)
        try c.encode(lastSuccessAt, forKey: .lastSuccessAt)
        try c.encode(lastFailureAt, forKey: .lastFailureAt)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
    }
}

/// `jobctl stats --json`.
public struct HistoryStatsJSON: Sendable, Codable, Equatable {
    public var since: String?
    public var jobs: [JobStatsJSON]
    public var overall: JobStatsJSON
    public var warnings: [IdleWarningJSON]
    /// The pauses in force (issue 12).
    public var pauses: [PauseJSON]

    public init(_ stats: HistoryStats) {
        since = stats.since.map(HistoryTime.rfc3339(_:))
        jobs = stats.jobs.map(JobStatsJSON.init)
        overall = JobStatsJSON(stats.overall)
        warnings = stats.warnings.map(IdleWarningJSON.init)
        pauses = stats.pauses.map(PauseJSON.init)
    }

    enum CodingKeys: String, CodingKey { case since, jobs, overall, warnings, pauses }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(since, forKey: .since)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(overall, forKey: .overall)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(pauses, forKey: .pauses)
    }
}

/// An idle warning in `stats --json` and the status API: `job`, `counter`, `since` (RFC 3339),
/// `idleAfterSeconds`, `message`.
public struct IdleWarningJSON: Sendable, Codable, Equatable {
    public var job: String
    public var counter: String
    public var since: String
    public var idleAfterSeconds: Int64
    public var message: String

    public init(_ warning: IdleWarning) {
        job = warning.job
        counter = warning.counter
        since = HistoryTime.rfc3339(warning.since)
        idleAfterSeconds = warning.idleAfterSeconds
        message = warning.message
    }
}

extension HistoryTime {
    /// RFC 3339 in UTC with milliseconds: `2026-03-08T07:00:00.250Z`.
    public static func rfc3339(_ date: Date) -> String {
        let ms = milliseconds(date)
        let seconds = Civil.floorDiv(ms, 1000)
        let civil = CivilDateTime(localSeconds: seconds)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", civil.year, civil.month, civil.day, civil.hour,
            civil.minute, civil.second, Int(ms - seconds * 1000))
    }

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

/// Human-readable figures, shared by the history and stats tables.
public enum HistoryFormat {
    /// "245 ms", "3.2 s", "4m 05s", "2h 03m"; "-" when there is none.
    public static func duration(milliseconds ms: Int64?) -> String {
        guard let ms else { return "-" }
        if ms < 1000 { return "\(max(0, ms)) ms" }
        if ms < 59_950 { return String(format: "%.1f s", Double(ms) / 1000) }
        let seconds = (ms + 500) / 1000
        if seconds < 3600 { return String(format: "%dm %02ds", seconds / 60, seconds % 60) }
        let minutes = (seconds + 30) / 60
        return String(format: "%dh %02dm", minutes / 60, minutes % 60)
    }

    /// Micro-USDC as USDC with at least 2 decimals and no trailing zeros beyond:
    /// 420000 → "0.42", 1500 → "0.0015", 2000000 → "2.00".
    public static func usdc(microUSDC value: Int64) -> String {
        USDC.amount(micro: value)
    }

    /// Counters whose value is micro-USDC.
    public static func isMoney(_ counter: String) -> Bool {
        counter.hasSuffix("_micro_usdc") || counter == "payout_total" || counter.hasSuffix("_payout_total")
    }

    /// "5 processed · 2 pools finalized · 0.42 USDC paid": processed always, the other standard
    /// counters and the job's own counters when not zero, money as USDC.
    public static func summary(of metrics: JobMetrics) -> String {
        var parts = ["\(metrics.processed) processed"]
        if metrics.created != 0 { parts.append("\(metrics.created) created") }
        if metrics.updated != 0 { parts.append("\(metrics.updated) updated") }
        if metrics.skipped != 0 { parts.append("\(metrics.skipped) skipped") }
        // The job's own counters by name, money last.
        let counters = metrics.counters.filter { $0.value != 0 }.sorted {
            (isMoney($0.key) ? 1 : 0, $0.key) < (isMoney($1.key) ? 1 : 0, $1.key)
        }
        for (name, value) in counters {
            if name == "payout_total" {
                parts.append("\(usdc(microUSDC: value)) USDC paid")
            } else if isMoney(name) {
                let label = name.hasSuffix("_micro_usdc") ? String(name.dropLast("_micro_usdc".count)) : name
                parts.append("\(usdc(microUSDC: value)) USDC \(label.replacingOccurrences(of: "_", with: " "))")
            } else {
                parts.append("\(value) \(name.replacingOccurrences(of: "_", with: " "))")
            }
        }
        return parts.joined(separator: " · ")
    }

    /// The first line of `text`, at most `limit` characters.
    public static func firstLine(_ text: String, limit: Int = 80) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }

    /// What the history table shows for a run: its error when it failed or was skipped, else a
    /// summary of its metrics (and the reason of a partial run).
    public static func outcome(of record: ExecutionRecord) -> String {
        switch record.status {
        case .failed, .timedOut, .interrupted, .skipped:
            return record.error.map { firstLine($0) } ?? ""
        case .running:
            return "running"
        case .succeeded, .partial:
            var parts: [String] = []
            if let metrics = record.metrics { parts.append(summary(of: metrics)) }
            if record.status == .partial, let error = record.error { parts.append(firstLine(error, limit: 60)) }
            return parts.joined(separator: " · ")
        }
    }

    static func color(for status: ExecutionStatus) -> String {
        switch status {
        case .succeeded: return "\u{1B}[32m"
        case .failed, .timedOut, .interrupted: return "\u{1B}[31m"
        case .partial: return "\u{1B}[33m"
        case .skipped: return "\u{1B}[2m"
        case .running: return "\u{1B}[36m"
        }
    }
}

/// Renders history and stats for people (tables) and programs (JSON). Returns strings; never
/// prints.
public enum HistoryRenderer {
    /// The history table. `zone` gives a job's time zone (nil: UTC); colour codes only when
    /// `color` is true. Ends with a newline; "no executions" when empty.
    public static func table(
        _ records: [ExecutionRecord], zone: (String) -> TimeZone? = { _ in nil }, color: Bool
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
                record.status.rawValue, HistoryFormat.duration(milliseconds: record.durationMs), trigger,
                String(record.attempt), HistoryFormat.outcome(of: record),
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
                HistoryFormat.duration(milliseconds: s.durationP50Ms),
                HistoryFormat.duration(milliseconds: s.durationP95Ms),
                HistoryFormat.duration(milliseconds: s.durationMaxMs),
                HistoryFormat.duration(milliseconds: s.latenessMeanMs.map { Int64($0.rounded()) }),
                HistoryFormat.duration(milliseconds: s.latenessMaxMs),
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
