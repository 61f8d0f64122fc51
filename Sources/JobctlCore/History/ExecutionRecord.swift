import Foundation
import GRDB

/// The state of one execution. Raw values are what the database and the JSON output hold.
public enum ExecutionStatus: String, Sendable, Codable, CaseIterable {
    case running
    case succeeded
    case failed
    case partial
    case timedOut = "timed_out"
    case skipped
    case interrupted

    /// Counted as a failure by stats and `consecutive failures`: failed, timed out, interrupted.
    public var isFailure: Bool {
        self == .failed || self == .timedOut || self == .interrupted
    }
}

/// Why an execution started.
public enum TriggerKind: String, Sendable, Codable, CaseIterable {
    case schedule
    case catchup
    case retry
    case manual
    /// `jobctl backfill`: a past fire of the schedule, run on purpose (its own attempt number
    /// when the fire was recorded before). Added by "v7-hook-runs" (`BackfillTriggerSchema`).
    case backfill

    /// Triggers that belong to a fire of the schedule and so are recorded at most once per
    /// (job, fire time, attempt): the partial UNIQUE index covers exactly these.
    public var isScheduledFire: Bool { self != .manual }
}

/// One row of `job_executions`. Times are `Date` here and integer milliseconds since the Unix
/// epoch in the database.
public struct ExecutionRecord: Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job_executions"

    public var id: Int64?
    public var job: String
    public var status: ExecutionStatus
    /// The fire this run is for; nil for a manual run.
    public var scheduledAt: Date?
    public var startedAt: Date
    public var finishedAt: Date?
    /// finished − started; nil while running, for skipped fires (nothing ran) and for
    /// interrupted runs (the real end is unknown).
    public var durationMs: Int64?
    /// started − scheduled for `schedule` and `catchup` runs that started; nil otherwise
    /// (manual runs, retries whose delay is the backoff, skipped fires).
    public var latenessMs: Int64?
    /// 1-based.
    public var attempt: Int
    public var triggeredBy: TriggerKind
    /// The user who ran a manual trigger.
    public var triggeredByUser: String?
    public var host: String
    public var pid: Int32
    public var metrics: JobMetrics?
    public var error: String?
    /// The last 4 KiB of a command job's output.
    public var output: String?

    public init(
        id: Int64? = nil, job: String, status: ExecutionStatus, scheduledAt: Date?,
        startedAt: Date, finishedAt: Date? = nil, durationMs: Int64? = nil,
        latenessMs: Int64? = nil, attempt: Int = 1, triggeredBy: TriggerKind,
        triggeredByUser: String? = nil, host: String, pid: Int32, metrics: JobMetrics? = nil,
        error: String? = nil, output: String? = nil
    ) {
        self.id = id
        self.job = job
        self.status = status
        self.scheduledAt = scheduledAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationMs = durationMs
        self.latenessMs = latenessMs
        self.attempt = attempt
        self.triggeredBy = triggeredBy
        self.triggeredByUser = triggeredByUser
        self.host = host
        self.pid = pid
        self.metrics = metrics
        self.error = error
        self.output = output
    }

    public enum Columns {
        public static let id = Column("id")
        public static let job = Column("job")
        public static let status = Column("status")
        public static let scheduledAt = Column("scheduled_at")
        public static let startedAt = Column("started_at")
        public static let finishedAt = Column("finished_at")
        public static let durationMs = Column("duration_ms")
        public static let latenessMs = Column("lateness_ms")
        public static let attempt = Column("attempt")
        public static let triggeredBy = Column("triggered_by")
        public static let triggeredByUser = Column("triggered_by_user")
        public static let host = Column("host")
        public static let pid = Column("pid")
        public static let metrics = Column("metrics")
        public static let itemsProcessed = Column("items_processed")
        public static let error = Column("error")
        public static let output = Column("output")
    }

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        job = try row.decode(forColumn: "job")
        let statusText: String = try row.decode(forColumn: "status")
        guard let status = ExecutionStatus(rawValue: statusText) else {
            throw HistoryRowError(
                "unknown status \"\(statusText)\" in row \(((try? row.decode(Int64.self, forColumn: "id")) ?? 0))")
        }
        self.status = status
        scheduledAt = (try row.decode(Int64?.self, forColumn: "scheduled_at")).map(HistoryTime.date(milliseconds:))
        startedAt = HistoryTime.date(milliseconds: try row.decode(Int64.self, forColumn: "started_at"))
        finishedAt = (try row.decode(Int64?.self, forColumn: "finished_at")).map(HistoryTime.date(milliseconds:))
        durationMs = try row.decode(forColumn: "duration_ms")
        latenessMs = try row.decode(forColumn: "lateness_ms")
        attempt = try row.decode(forColumn: "attempt")
        let triggerText: String = try row.decode(forColumn: "triggered_by")
        guard let trigger = TriggerKind(rawValue: triggerText) else {
            throw HistoryRowError(
                "unknown trigger \"\(triggerText)\" in row \(((try? row.decode(Int64.self, forColumn: "id")) ?? 0))")
        }
        triggeredBy = trigger
        triggeredByUser = try row.decode(forColumn: "triggered_by_user")
        host = try row.decode(forColumn: "host")
        pid = try row.decode(forColumn: "pid")
        if let json = try? row.decode(String.self, forColumn: "metrics"), let data = json.data(using: .utf8) {
            // A metrics value that no longer decodes is shown as absent, not as a failed query.
            metrics = try? JSONDecoder().decode(JobMetrics.self, from: data)
        } else {
            metrics = nil
        }
        error = try row.decode(forColumn: "error")
        output = try row.decode(forColumn: "output")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["job"] = job
        container["status"] = status.rawValue
        container["scheduled_at"] = scheduledAt.map(HistoryTime.milliseconds(_:))
        container["started_at"] = HistoryTime.milliseconds(startedAt)
        container["finished_at"] = finishedAt.map(HistoryTime.milliseconds(_:))
        container["duration_ms"] = durationMs
        container["lateness_ms"] = latenessMs
        container["attempt"] = attempt
        container["triggered_by"] = triggeredBy.rawValue
        container["triggered_by_user"] = triggeredByUser
        container["host"] = host
        container["pid"] = Int64(pid)
        container["metrics"] = try metrics.map(HistoryJSON.encodeMetrics(_:))
        container["items_processed"] = metrics.map { Int64($0.processed) }
        container["error"] = error
        container["output"] = output
    }
}

/// A row whose values this binary cannot read.
struct HistoryRowError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Milliseconds since the Unix epoch ↔ `Date`. Rounded to the nearest millisecond so that
/// `Date(timeIntervalSince1970: 1.234)` stores 1234, not 1233.
public enum HistoryTime {
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

enum HistoryJSON {
    static func encodeMetrics(_ metrics: JobMetrics) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(metrics), as: UTF8.self)
    }
}
