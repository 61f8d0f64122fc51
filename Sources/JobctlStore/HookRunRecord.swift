import Foundation
import GRDB
import JobctlConfig
import JobctlTime

/// Why a failure hook ran.
public enum HookEvent: String, Sendable, Codable, CaseIterable {
    /// A run ended in a failure and its streak reached `alert_after` (`on_failure`).
    case failure
    /// A run was still going after `warn_after` (`on_failure`, `JOBCTL_STATUS=overdue`).
    case overdue
    /// The job succeeded after a streak that alerted (`on_recovery`).
    case recovery

    /// The option whose command runs.
    public var option: String { self == .recovery ? "on_recovery" : "on_failure" }
}

/// How a hook's process ended.
public enum HookRunStatus: String, Sendable, Codable, CaseIterable {
    case running
    /// Exit status 0.
    case succeeded
    /// Another exit status, a signal, or the shell could not start.
    case failed
    /// Still going at its time limit: its process group was ended.
    case timedOut = "timed_out"
    /// Ended by the scheduler's shutdown.
    case interrupted
}

/// One row of `hook_runs` (`HookRunSchema`). Times are milliseconds in the database.
public struct HookRunRecord: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    /// The run that fired the hook.
    public var runID: Int64
    public var job: String
    public var event: HookEvent
    public var status: HookRunStatus
    public var startedAt: Date
    public var finishedAt: Date?
    public var durationMs: Int64?
    /// The shell's exit status, when it exited (not killed, not started).
    public var exitCode: Int?
    public var error: String?
    /// The last KiB of the hook's output.
    public var output: String?
    public var host: String
    public var pid: Int32

    /// For stores without GRDB rows (PostgreSQL).
    public init(
        id: Int64, runID: Int64, job: String, event: HookEvent, status: HookRunStatus, startedAt: Date,
        finishedAt: Date?, durationMs: Int64?, exitCode: Int?, error: String?, output: String?, host: String, pid: Int32
    ) {
        self.id = id
        self.runID = runID
        self.job = job
        self.event = event
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationMs = durationMs
        self.exitCode = exitCode
        self.error = error
        self.output = output
        self.host = host
        self.pid = pid
    }

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        runID = try row.decode(forColumn: "run_id")
        job = try row.decode(forColumn: "job")
        let eventText: String = try row.decode(forColumn: "event")
        let statusText: String = try row.decode(forColumn: "status")
        guard let event = HookEvent(rawValue: eventText), let status = HookRunStatus(rawValue: statusText) else {
            throw HistoryRowError("unknown hook event or status \"\(eventText)\"/\"\(statusText)\" in hook row \(id)")
        }
        self.event = event
        self.status = status
        startedAt = HistoryTime.date(milliseconds: try row.decode(Int64.self, forColumn: "started_at"))
        finishedAt = (try row.decode(Int64?.self, forColumn: "finished_at")).map(HistoryTime.date(milliseconds:))
        durationMs = try row.decode(forColumn: "duration_ms")
        exitCode = try row.decode(forColumn: "exit_code")
        error = try row.decode(forColumn: "error")
        output = try row.decode(forColumn: "output")
        host = try row.decode(forColumn: "host")
        pid = try row.decode(forColumn: "pid")
    }
}

/// The start of a hook's run, as `beginHookRun` records it.
public struct HookRunStart: Sendable, Equatable {
    public var runID: Int64
    public var job: String
    public var event: HookEvent
    public var startedAt: Date
    public var host: String
    public var pid: Int32

    public init(runID: Int64, job: String, event: HookEvent, startedAt: Date, host: String, pid: Int32) {
        self.runID = runID
        self.job = job
        self.event = event
        self.startedAt = startedAt
        self.host = host
        self.pid = pid
    }
}

/// How a hook's run ended, as `finishHookRun` records it.
public struct HookRunEnd: Sendable, Equatable {
    /// A final status (not `running`).
    public var status: HookRunStatus
    public var finishedAt: Date
    public var exitCode: Int?
    public var error: String?
    /// The store keeps its last KiB.
    public var output: String?

    public init(
        status: HookRunStatus, finishedAt: Date, exitCode: Int? = nil, error: String? = nil, output: String? = nil
    ) {
        self.status = status
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.error = error
        self.output = output
    }
}
