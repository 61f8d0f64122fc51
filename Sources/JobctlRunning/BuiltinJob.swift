import JobctlConfig
import JobctlStore

/// A built-in job: a name, the options it accepts (validated when the config is read), and
/// `run`. Adding a job is one file that conforms to this and one line in its module's registry
/// (`ArcadeJobs.registry`); the config reader learns its name and options from that registry's
/// `catalog`, and the runner makes it through the registry.
public protocol BuiltinJob: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static var options: [JobOptionSpec] { get }
    /// Zero-argument catch-up default for this job (`prizepool` catches up a day by default).
    static var defaultCatchupMilliseconds: Int64? { get }
    /// The counter of its metrics that says the run found work to do (`prizepool`: `pools_due`):
    /// a money job whose runs all find none for too long gets the idle warning (docs/alerts.md).
    /// The stores learn the name from the registry (`BuiltinJobRegistry.workCounters`,
    /// `StateStore.learnCounters`).
    static var workCounter: String? { get }
    /// The counter that says there was activity the work comes from (`prizepool`: completed
    /// sessions seen); a run that found no work while this was 0 is not idle. nil: always.
    static var activityCounter: String? { get }
    /// How its own counters read in summaries (money, with its currency); an undeclared counter
    /// reads as a count. The history itself never knows a currency.
    static var counterReadings: [String: CounterReading] { get }
    /// Built from options that the config reader has already validated against `options`.
    init(options: [String: JobOptionValue])
    func run(_ context: JobContext) async throws -> JobResult
}

extension BuiltinJob {
    public static var defaultCatchupMilliseconds: Int64? { nil }
    public static var workCounter: String? { nil }
    public static var activityCounter: String? { nil }
    public static var counterReadings: [String: CounterReading] { [:] }

    /// The job described by value, as the config reader knows it.
    public static var kind: BuiltinJobKind { BuiltinJobKind(Self.self) }
}

extension BuiltinJobKind {
    /// The description of `type`.
    public init<J: BuiltinJob>(_ type: J.Type) {
        self.init(
            name: J.name, summary: J.summary, options: J.options,
            defaultCatchupMilliseconds: J.defaultCatchupMilliseconds, workCounter: J.workCounter,
            activityCounter: J.activityCounter)
    }
}
