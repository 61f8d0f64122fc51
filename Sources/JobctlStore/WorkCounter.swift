/// A counter of a job's metrics that the work markers read (`WorkMarkerSchema`): a `work`
/// counter says a run found work to do, an `activity` counter that there was activity the
/// work comes from. The stores learn them as data from the jobs that declare them
/// (`StateStore.learnCounters`, fed by the registry of built-in jobs), so that the history
/// knows no job's counter names by itself.
public struct WorkCounter: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case work
        case activity
    }

    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
