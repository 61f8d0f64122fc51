import Foundation
import JobctlStore

/// One failure hook's run in `jobctl show --json` and `GET /api/v1/jobs/runs/:id` (`hooks`):
/// `event`, `status`, `startedAt`, `finishedAt`, `durationMs`, `exitCode`, `error`, `output`.
/// The command is never recorded (it may hold a webhook's secret URL).
public struct HookRunJSON: Sendable, Encodable, Equatable {
    public var event: String
    public var status: String
    public var startedAt: String
    public var finishedAt: String?
    public var durationMs: Int64?
    public var exitCode: Int?
    public var error: String?
    public var output: String?

    public init(_ hook: HookRunRecord) {
        event = hook.event.rawValue
        status = hook.status.rawValue
        startedAt = HistoryTime.rfc3339(hook.startedAt)
        finishedAt = hook.finishedAt.map(HistoryTime.rfc3339(_:))
        durationMs = hook.durationMs
        exitCode = hook.exitCode
        error = hook.error
        output = hook.output
    }

    /// Without output and error, for anonymous HTTP readers.
    public var redacted: HookRunJSON {
        var copy = self
        copy.error = nil
        copy.output = nil
        return copy
    }

    enum CodingKeys: String, CodingKey {
        case event, status, startedAt, finishedAt, durationMs, exitCode, error, output
    }

    /// Absent values are written as null, never left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(event, forKey: .event)
        try c.encode(status, forKey: .status)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(durationMs, forKey: .durationMs)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encode(error, forKey: .error)
        try c.encode(output, forKey: .output)
    }
}
