import Foundation

@testable import JobctlStore
@testable import JobctlTime

/// A fresh directory under the system temp directory, removed by `cleanup()`.
struct HistoryTempDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("jobctl-history-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// 2026-03-08T04:00:00Z, and instants relative to it.
let historyBase = Date(timeIntervalSince1970: 1_772_942_400)
func atSecond(_ seconds: Double) -> Date { historyBase.addingTimeInterval(seconds) }

func executionStart(
    _ job: String, fire: Double?, startedAfter lateness: Double = 0, attempt: Int = 1,
    trigger: TriggerKind = .schedule, user: String? = nil, pid: Int32 = 100
) -> ExecutionStart {
    ExecutionStart(
        job: job, scheduledFor: fire.map { Instant(date: atSecond($0)) }, startedAt: atSecond((fire ?? 0) + lateness),
        attempt: attempt, triggeredBy: trigger, user: user, host: "host-a", pid: pid)
}

extension HistoryStore {
    /// Begins and finishes a scheduled run at `fire` + `lateness`, lasting `duration` seconds.
    @discardableResult
    func recordRun(
        _ job: String, fire: Double, lateness: Double = 0, duration: Double, status: ExecutionStatus,
        metrics: JobMetrics? = nil, error: String? = nil, trigger: TriggerKind = .schedule
    ) throws -> Int64 {
        guard let id = try begin(executionStart(job, fire: fire, startedAfter: lateness, trigger: trigger)) else {
            throw HistoryError.invalidArgument("duplicate fire in test data")
        }
        try finish(
            id: id, status: status, finishedAt: atSecond(fire + lateness + duration), metrics: metrics, error: error,
            output: nil)
        return id
    }
}
