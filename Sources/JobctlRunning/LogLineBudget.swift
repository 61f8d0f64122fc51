import Synchronization

/// How many output lines of one command run are logged: the first `limit`, then only a count,
/// reported once at the end ("… 12,345 more lines"). Every line still reaches the recorded
/// output tail. Decision: 1,000 lines per attempt, stdout and stderr together — enough for any
/// job that logs on purpose, and a job that prints a million lines costs a thousand log lines,
/// not 64 MB.
final class LogLineBudget: Sendable {
    static let defaultLimit = 1000
    private let limit: Int
    private let count = Mutex<Int>(0)

    init(limit: Int = LogLineBudget.defaultLimit) { self.limit = limit }

    /// True when this line may be logged; counts it either way.
    func take() -> Bool {
        count.withLock { n in
            n += 1
            return n <= limit
        }
    }

    /// Lines counted beyond the limit.
    var dropped: Int { count.withLock { max(0, $0 - limit) } }

    /// "… 12,345 more lines" (digits grouped by 3 with commas, whatever the locale).
    static func summary(dropped: Int) -> String {
        var digits = Array(String(dropped))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        let lines = dropped == 1 ? "line" : "lines"
        return "… \(String(digits)) more \(lines) not logged (the last 4 KiB are kept with the run)"
    }
}
