import Foundation
import JobctlCore

// The JSON of the `/api/v1/jobs` routes. Every answer is `{"success": true, "data": …}` or
// `{"success": false, "error": "…"}`; keys are camelCase, sorted; absent values are `null`,
// never a missing key. Executions are `ExecutionJSON`, the objects of `jobctl history --json`;
// times are RFC 3339 in UTC with milliseconds.

struct Success<Payload: Encodable & Sendable>: Encodable, Sendable {
    var data: Payload
    enum CodingKeys: String, CodingKey { case success, data }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(true, forKey: .success)
        try c.encode(data, forKey: .data)
    }
}

struct Failure: Encodable, Sendable {
    var error: String
    enum CodingKeys: String, CodingKey { case success, error }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(false, forKey: .success)
        try c.encode(error, forKey: .error)
    }
}

/// `GET /api/v1/jobs/status` → `data`.
struct StatusData: Encodable, Sendable {
    var stats: StatusStats
    var jobs: [JobStatus]
    var recentExecutions: [ExecutionJSON]
    /// True when output tails and errors are withheld (`ReadAccess.anonymous`).
    var redacted: Bool
    /// Money jobs that found nothing to do for too long (`IdleWarning`; as in `stats`).
    var warnings: [IdleWarningJSON] = []

    /// The same answer for an anonymous reader.
    var anonymous: StatusData {
        var copy = self
        copy.jobs = jobs.map { job in
            var job = job
            job.lastRun = job.lastRun?.redacted
            return job
        }
        copy.recentExecutions = recentExecutions.map(\.redacted)
        copy.redacted = true
        return copy
    }
}

/// The overall figures of `jobctl stats` (executions kept in the history).
struct StatusStats: Encodable, Sendable {
    var totalExecutions: Int
    var successfulExecutions: Int
    /// failed + timed out + interrupted.
    var failedExecutions: Int
    /// succeeded ÷ (succeeded + failed + partial), 0…1 to 4 decimals; null before any run ended.
    var successRate: Double?

    init(_ stats: JobStats) {
        totalExecutions = stats.runs
        successfulExecutions = stats.succeeded
        failedExecutions = stats.failed
        successRate = stats.successRate.map { ($0 * 10_000).rounded() / 10_000 }
    }

    enum CodingKeys: String, CodingKey { case totalExecutions, successfulExecutions, failedExecutions, successRate }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(totalExecutions, forKey: .totalExecutions)
        try c.encode(successfulExecutions, forKey: .successfulExecutions)
        try c.encode(failedExecutions, forKey: .failedExecutions)
        try c.encode(successRate, forKey: .successRate)
    }
}

/// One job of the running config.
struct JobStatus: Encodable, Sendable {
    var name: String
    var schedule: String
    var timezone: String
    /// The next planned fire; null for `@reboot`, disabled jobs and schedules that never fire
    /// again.
    var nextFire: String?
    /// The job's newest execution, any status; null when it never ran.
    var lastRun: ExecutionJSON?
    /// A run of the job is under way in this scheduler.
    var running: Bool
    /// The pause in force (who, when, note), or null: the job's fires are recorded skipped.
    /// Decision: shown to anonymous readers too (the page's badge needs no token): the note is
    /// the operators' own text, not a job's output, which is what redaction protects.
    var paused: PauseJSON? = nil
    /// Failures since the job's newest success (as `stats`), 0 when none.
    var consecutiveFailures = 0

    enum CodingKeys: String, CodingKey {
        case name, schedule, timezone, nextFire, lastRun, running, paused, consecutiveFailures
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(nextFire, forKey: .nextFire)
        try c.encode(lastRun, forKey: .lastRun)
        try c.encode(running, forKey: .running)
        try c.encode(paused, forKey: .paused)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
    }
}

/// `GET /api/v1/jobs/history` → `data`.
struct HistoryData: Encodable, Sendable {
    var executions: [ExecutionJSON]
    var count: Int
    /// True when output tails and errors are withheld (`ReadAccess.anonymous`).
    var redacted: Bool
}

/// Who reads `status` and `history`, and so what they get (the answers once carried
/// every run's output tail and error, and a job that prints its environment hands its
/// secrets to whoever reads them).
///
/// Decision: the read routes stay open, so the status page and monitoring work without a
/// secret, but an anonymous reader gets every execution with `output` and `error` set to
/// `null` and `"redacted": true` in `data`. A request with the valid bearer token (the
/// trigger's) gets everything and `"redacted": false`. A wrong token is 401, not a silently
/// redacted answer. Without a configured token every reader is anonymous.
enum ReadAccess: Equatable {
    case full
    case anonymous
    case refused

    init(authorization: String?, token: BearerToken?) {
        guard let authorization else {
            self = .anonymous
            return
        }
        guard let token else {
            self = .anonymous
            return
        }
        self = token.accepts(authorization: authorization) ? .full : .refused
    }
}

extension ExecutionJSON {
    /// Without the output tail and the error text.
    var redacted: ExecutionJSON {
        var copy = self
        copy.output = nil
        copy.error = nil
        return copy
    }
}

/// `POST /api/v1/jobs/trigger/:jobName` → 202 `data`. `warning` (null unless) says the job
/// is paused: it runs anyway, an operator's explicit act.
struct TriggerData: Encodable, Sendable {
    var runId: Int64
    var job: String
    var warning: String? = nil

    enum CodingKeys: String, CodingKey { case runId, job, warning }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runId, forKey: .runId)
        try c.encode(job, forKey: .job)
        try c.encode(warning, forKey: .warning)
    }
}

enum APIJSON {
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value here encodes; a failure would be a bug, answered as a plain error.
        return (try? encoder.encode(value)) ?? Data(#"{"error":"cannot encode the response","success":false}"#.utf8)
    }
}

/// The query of `GET /api/v1/jobs/history`, validated: `limit` 1…100 (default 20), `job` and
/// `status` optional (an empty value means no filter, so `?job=&status=` lists everything).
struct HistoryQuery: Sendable, Equatable {
    static let defaultLimit = 20
    static let maximumLimit = 100

    var limit = HistoryQuery.defaultLimit
    var job: String?
    var status: ExecutionStatus?

    struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    /// `parameter(name)` gives the first value of a query parameter (percent-decoded).
    /// Unknown parameters are ignored (a browser's cache buster must not break the page).
    static func parse(_ parameter: (String) -> String?) throws(Invalid) -> HistoryQuery {
        var query = HistoryQuery()
        if let text = parameter("limit"), !text.isEmpty {
            guard text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }), let limit = Int(text),
                (1...maximumLimit).contains(limit)
            else {
                throw Invalid(
                    description: "limit must be a whole number from 1 to \(maximumLimit), got '\(text.prefix(40))'")
            }
            query.limit = limit
        }
        if let job = parameter("job"), !job.isEmpty {
            guard job.count <= 200 else { throw Invalid(description: "job: the name is longer than 200 characters") }
            query.job = job
        }
        if let text = parameter("status"), !text.isEmpty {
            guard let status = ExecutionStatus(rawValue: text) else {
                let valid = ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw Invalid(description: "status must be one of \(valid), got '\(text.prefix(40))'")
            }
            query.status = status
        }
        return query
    }
}
