import Foundation
import JobctlStore

/// A pause as JSON (`stats --json` `pauses`, the status API's `jobs[].paused`): `job`, `by`,
/// `at` (RFC 3339 in UTC with milliseconds) and `note` (null when none).
public struct PauseJSON: Sendable, Codable, Equatable {
    public var job: String
    public var by: String
    public var at: String
    public var note: String?

    public init(_ pause: JobPause) {
        job = pause.job
        by = pause.by
        at = HistoryTime.rfc3339(pause.at)
        note = pause.note
    }

    enum CodingKeys: String, CodingKey { case job, by, at, note }

    /// `note` is written as null, never left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(job, forKey: .job)
        try c.encode(by, forKey: .by)
        try c.encode(at, forKey: .at)
        try c.encode(note, forKey: .note)
    }
}
