/// A built-in job as the config knows it: its name, what it does in a line, the options it
/// takes and the defaults and counters the scheduler's alerts read. The job itself (its code)
/// lives above the config (`BuiltinJob` in JobctlRunning); a config names it by `name` only.
public struct BuiltinJobKind: Sendable, Equatable {
    public let name: String
    public let summary: String
    public let options: [JobOptionSpec]
    public let defaultCatchupMilliseconds: Int64?
    /// See `BuiltinJob.workCounter`.
    public let workCounter: String?
    /// See `BuiltinJob.activityCounter`.
    public let activityCounter: String?

    public init(
        name: String, summary: String, options: [JobOptionSpec], defaultCatchupMilliseconds: Int64? = nil,
        workCounter: String? = nil, activityCounter: String? = nil
    ) {
        self.name = name
        self.summary = summary
        self.options = options
        self.defaultCatchupMilliseconds = defaultCatchupMilliseconds
        self.workCounter = workCounter
        self.activityCounter = activityCounter
    }
}
