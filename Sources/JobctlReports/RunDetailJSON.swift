import Foundation
import JobctlStore

/// `jobctl show --json` and the `data` of `GET /api/v1/jobs/runs/:id`: the run's fields exactly
/// as `history --json` names them (`ExecutionJSON`), plus `otherAttempts` (executions, the same
/// objects) and `redacted` (true when output and errors are withheld from an anonymous HTTP
/// reader; always false from the command line).
public struct RunDetailJSON: Sendable, Encodable, Equatable {
    public var run: ExecutionJSON
    public var otherAttempts: [ExecutionJSON]
    public var redacted: Bool

    public init(_ detail: RunDetail) {
        run = ExecutionJSON(detail.execution)
        otherAttempts = detail.otherAttempts.map(ExecutionJSON.init)
        redacted = false
    }

    /// The keys beside the run's own.
    public static let extraFieldNames = ["otherAttempts", "redacted"]

    enum Extra: String, CodingKey { case otherAttempts, redacted }

    /// One flat object: the run's keys, then the extras in the same container.
    public func encode(to encoder: any Encoder) throws {
        try run.encode(to: encoder)
        var c = encoder.container(keyedBy: Extra.self)
        try c.encode(otherAttempts, forKey: .otherAttempts)
        try c.encode(redacted, forKey: .redacted)
    }
}

extension HistoryRenderer {
    /// Pretty-printed JSON with sorted keys; see `RunDetailJSON`.
    public static func runJSON(_ detail: RunDetail) throws -> String {
        try encode(RunDetailJSON(detail))
    }
}
