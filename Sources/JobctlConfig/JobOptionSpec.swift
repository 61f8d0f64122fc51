/// An option a built-in job takes. What each means and its default: the job's own doc
/// comment and `docs/config.md` (`jobctl check` does not list them).
public struct JobOptionSpec: Sendable, Equatable {
    public var name: String
    public var kind: JobOptionKind

    public init(_ name: String, _ kind: JobOptionKind) {
        self.name = name
        self.kind = kind
    }
}
