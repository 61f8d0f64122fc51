import Foundation
import JobctlStore

/// `jobctl show --json` and the `data` of `GET /api/v1/jobs/runs/:id`: the run's fields exactly
/// as `history --json` names them (`ExecutionJSON`), plus `otherAttempts` (executions, the same
/// objects), `hooks` (the failure hooks it fired, `HookRunJSON`) and `redacted` (true when output and errors are withheld from an anonymous HTTP
/// reader; always false from the command line).
public struct RunDetailJSON: Sendable, Encodable, Equatable {
    public var run: ExecutionJSON
    public var otherAttempts: [ExecutionJSON]
    public var hooks: [HookRunJSON]
    public var redacted: Bool

    public init(_ detail: RunDetail) {
        run = ExecutionJSON(detail.execution)
        otherAttempts = detail.otherAttempts.map(ExecutionJSON.init)
        hooks = detail.hooks.map(HookRunJSON.init)
        redacted = false
    }

    /// The keys beside the run's own.
    public static let extraFieldNames = ["otherAttempts", "hooks", "redacted"]

    enum Extra: String, CodingKey { case otherAttempts, hooks, redacted }

    /// One flat object: the run's keys, then the extras in the same container.
    public func encode(to encoder: any Encoder) throws {
        try run.encode(to: encoder)
        var c = encoder.container(keyedBy: Extra.self)
        try c.encode(otherAttempts, forKey: .otherAttempts)
        try c.encode(hooks, forKey: .hooks)
        try c.encode(redacted, forKey: .redacted)
    }
}

extension HistoryRenderer {
    /// Pretty-printed JSON with sorted keys; see `RunDetailJSON`.
    public static func runJSON(_ detail: RunDetail) throws -> String {
        try encode(RunDetailJSON(detail))
    }
}
