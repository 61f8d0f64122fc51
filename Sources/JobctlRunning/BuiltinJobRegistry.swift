import JobctlConfig
import JobctlStore

/// The built-in jobs a binary can run, by name. Each module of jobs registers its own
/// (`ArcadeJobs.registry`); the product hands the registry's `catalog` to the config reader and
/// the registry to the runner, which makes each job from its validated options.
public struct BuiltinJobRegistry: Sendable {
    private let entries: [Entry]

    private struct Entry: Sendable {
        var kind: BuiltinJobKind
        var counterReadings: [String: CounterReading]
        var make: @Sendable ([String: JobOptionValue]) -> any BuiltinJob
    }

    public init(_ types: [any BuiltinJob.Type]) {
        entries = types.map { Self.entry($0) }
    }

    private static func entry<J: BuiltinJob>(_ type: J.Type) -> Entry {
        Entry(kind: J.kind, counterReadings: J.counterReadings, make: { J(options: $0) })
    }

    /// What the config reader needs to know of these jobs.
    public var catalog: BuiltinJobCatalog { BuiltinJobCatalog(entries.map(\.kind)) }

    /// How the counters of every job here read, for summaries of their runs.
    public var counterReadings: CounterReadings {
        CounterReadings(entries.reduce(into: [:]) { all, entry in all.merge(entry.counterReadings) { a, _ in a } })
    }

    /// The job `name` made from validated options; nil when no job of that name is registered.
    public func make(_ name: String, options: [String: JobOptionValue]) -> (any BuiltinJob)? {
        entries.first { $0.kind.name == name }?.make(options)
    }

    public func kind(named name: String) -> BuiltinJobKind? {
        entries.first { $0.kind.name == name }?.kind
    }
}
