import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `JOBCTL_CLOCK_OFFSET`: a fixed offset added to the wall clock of this process, for tests of
/// clock skew through the real binary (libfaketime hangs Dispatch timers and `Task.sleep`; see
/// docs/commands.md#environment).
///
/// Decisions:
/// - Read once, at start, by `Jobctl.main` for every command; a bad value is a usage error
///   (one line, exit 2) before anything else happens.
/// - The form is an optional sign, a whole number and a unit: `5s`, `-5s`, `+250ms`, `2m`, `1h`;
///   at most 24 h either way. Zero (`0s`) is allowed and changes nothing.
/// - Only `SystemWallClock` applies it: what `run`, `trigger` and `backfill` plan with (and
///   the times they record on SQLite). Log lines keep the machine's real time. On PostgreSQL the
///   database's clock decides what is due and records every time, so an offset only moves when a
///   node wakes up: that is what the skew tests exercise.
/// - The variable is removed from the process environment once read, so no child (command job,
///   failure hook) ever sees it, even one that lists it in `env=` or `PASS_ENV=`.
enum ClockOffset {
    static let variable = "JOBCTL_CLOCK_OFFSET"
    static let limitMilliseconds: Int64 = 24 * 3_600_000

    /// The offset in milliseconds, or why the variable's value is refused.
    static let current: Result<Int64, ClockOffsetError> = {
        let value = ProcessInfo.processInfo.environment[variable]
        unsetenv(variable)
        guard let value else { return .success(0) }
        return parse(value).map(Result.success) ?? .failure(ClockOffsetError(value: value))
    }()

    /// The offset to apply (0 when the value was refused: `Jobctl.main` has exited by then).
    static var milliseconds: Int64 { (try? current.get()) ?? 0 }

    /// `[+|-]DIGITS(ms|s|m|h)`, within ±24 h; nil otherwise.
    static func parse(_ text: String) -> Int64? {
        var rest = Substring(text)
        var sign: Int64 = 1
        if let first = rest.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        let units: [String: Int64] = ["ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000]
        guard !digits.isEmpty, digits.count <= 9, let amount = Int64(digits),
            let unit = units[String(rest.dropFirst(digits.count))]
        else { return nil }
        let (product, overflow) = amount.multipliedReportingOverflow(by: unit)
        guard !overflow, product <= limitMilliseconds else { return nil }
        return sign * product
    }
}

/// A `JOBCTL_CLOCK_OFFSET` that is not `[+|-]N(ms|s|m|h)` within ±24 h.
struct ClockOffsetError: Error, CustomStringConvertible {
    let value: String
    var description: String {
        "\(ClockOffset.variable)=\(value.debugDescription) is not an offset like 5s, -5s, 250ms or 2m (at most 24h)"
    }
}
