import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime

/// `jobctl show RUN_ID` for people: every field, the metrics (money as USDC and exact
/// micro-USDC), the error, the whole recorded output tail, and the other attempts of the same
/// fire. Times in the job's zone (`zone`, UTC when nil). Every text from the row (error, output,
/// names) goes through `TerminalSafeText`: a job's output never drives the terminal; newlines
/// of the error and output stay line breaks, indented.
public enum RunDetailText {
    public static func render(_ detail: RunDetail, zone: TimeZone?, readings: CounterReadings) -> String {
        let run = detail.execution
        let tz = zone ?? TimeZone(secondsFromGMT: 0) ?? TimeZone.current
        var out = fields(run, tz: tz)
        if let metrics = run.metrics { out += "\nmetrics\n" + metricLines(metrics, readings: readings) }
        out += "\nerror\n" + block(run.error)
        out += "\noutput (the last \(HistoryStore.outputLimitBytes / 1024) KiB recorded)\n" + block(run.output)
        out += "\nhooks\n" + hookLines(detail.hooks, tz: tz)
        if run.scheduledAt != nil {
            out += "\nother attempts of this fire\n"
            out +=
                detail.otherAttempts.isEmpty
                ? "    none\n" : indent(attemptsTable(detail.otherAttempts, tz: tz, readings: readings))
        }
        return out
    }

    /// After a queued row's `started_at`: its claim, not its start (`overlap=queue` across nodes).
    static let queuedNote = " (queued; not started)"

    static func fields(_ run: ExecutionRecord, tz: TimeZone) -> String {
        let trigger =
            run.triggeredBy == .manual
            ? "manual" + (run.triggeredByUser.map { " by \($0)" } ?? "") : run.triggeredBy.rawValue
        let rows: [(String, String)] = [
            ("run", String(run.id ?? 0)),
            ("job", run.job),
            ("status", run.status.rawValue),
            ("trigger", trigger),
            ("attempt", String(run.attempt)),
            ("scheduled", run.scheduledAt.map { HistoryTime.local($0, in: tz) } ?? "- (a manual run has no fire)"),
            ("started", HistoryTime.local(run.startedAt, in: tz) + (run.status == .queued ? queuedNote : "")),
            ("finished", run.finishedAt.map { HistoryTime.local($0, in: tz) } ?? "-"),
            ("duration", DurationText.readable(milliseconds: run.durationMs) + exact(run.durationMs)),
            ("lateness", DurationText.readable(milliseconds: run.latenessMs) + exact(run.latenessMs)),
            ("host", run.host),
            ("pid", String(run.pid)),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { name, value in
            name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + TerminalSafeText.escaped(value) + "\n"
        }.joined()
    }

    /// One line per hook run: event, status, start, duration, exit code, error (escaped).
    static func hookLines(_ hooks: [HookRunRecord], tz: TimeZone) -> String {
        guard !hooks.isEmpty else { return "    none\n" }
        return hooks.map { hook in
            var parts = [
                hook.event.option + " (" + hook.event.rawValue + ")", hook.status.rawValue,
                HistoryTime.local(hook.startedAt, in: tz), DurationText.readable(milliseconds: hook.durationMs),
            ]
            if let code = hook.exitCode { parts.append("exit \(code)") }
            if let error = hook.error { parts.append(TerminalSafeText.escaped(HistoryFormat.firstLine(error))) }
            return "    " + parts.joined(separator: "  ") + "\n"
        }.joined()
    }

    static func exact(_ ms: Int64?) -> String {
        guard let ms, ms >= 1000 else { return "" }
        return " (\(ms) ms)"
    }

    /// The standard counters, then the job's own by name; money as USDC with the exact integer.
    static func metricLines(_ metrics: JobMetrics, readings: CounterReadings) -> String {
        var rows: [(String, String)] = [
            ("processed", String(metrics.processed)), ("created", String(metrics.created)),
            ("updated", String(metrics.updated)), ("skipped", String(metrics.skipped)),
        ]
        for (name, value) in metrics.counters.sorted(by: { $0.key < $1.key }) {
            let shown: String
            switch readings[name].unit {
            case .count: shown = String(value)
            case .money(let currency, let scale):
                let exact = scale == 6 ? "micro-\(currency)" : "× 10^-\(scale) \(currency)"
                shown = "\(CounterReading.amount(value, scale: scale)) \(currency) (\(value) \(exact))"
            }
            rows.append((TerminalSafeText.escaped(name), shown))
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { "    " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 + "\n" }
            .joined()
    }

    /// A text block, indented; `none` when absent or empty.
    static func block(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "    none\n" }
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return "    " + TerminalSafeText.escaped(trimmed, indentingNewlines: true) + "\n"
    }

    static func attemptsTable(_ runs: [ExecutionRecord], tz: TimeZone, readings: CounterReadings) -> String {
        let rows = runs.map { run in
            [
                String(run.id ?? 0), String(run.attempt), run.triggeredBy.rawValue, run.status.rawValue,
                HistoryTime.local(run.startedAt, in: tz), DurationText.readable(milliseconds: run.durationMs),
                TerminalSafeText.escaped(HistoryFormat.outcome(of: run, readings: readings)),
            ]
        }
        let header = ["RUN", "ATTEMPT", "TRIGGER", "STATUS", "STARTED", "DURATION", "SUMMARY"]
        return HistoryRenderer.layout(header: header, rows: rows, rightAligned: [0, 1, 5]) { _, _, cell in cell }
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "    " + $0 + "\n" }.joined()
    }
}
