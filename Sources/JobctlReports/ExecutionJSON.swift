import Foundation
import JobctlStore
import JobctlTime

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
