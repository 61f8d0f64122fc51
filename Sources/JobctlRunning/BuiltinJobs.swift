/// The registry of built-in jobs. A config line names one of these (or uses `job=NAME`).
public enum BuiltinJobs {
    public static let all: [any BuiltinJob.Type] = [PrizePoolJob.self, LeaderboardJob.self, CleanupJob.self]

    /// Concrete descriptions of `all`, so callers need not open existential metatypes.
    public static let kinds: [BuiltinJobKind] = all.map { BuiltinJobKind($0) }

    public static func named(_ name: String) -> BuiltinJobKind? {
        kinds.first { $0.name == name }
    }
}

/// A built-in job type, described by value.
public struct BuiltinJobKind: Sendable {
    public let name: String
    public let summary: String
    public let options: [JobOptionSpec]
    public let defaultCatchupMilliseconds: Int64?
    public let workCounter: String?
    public let activityCounter: String?
    /// Makes a job from validated options.
    public let make: @Sendable ([String: JobOptionValue]) -> any BuiltinJob

    public init<J: BuiltinJob>(_ type: J.Type) {
        name = J.name
        summary = J.summary
        options = J.options
        defaultCatchupMilliseconds = J.defaultCatchupMilliseconds
        workCounter = J.workCounter
        activityCounter = J.activityCounter
        make = { J(options: $0) }
    }
}
