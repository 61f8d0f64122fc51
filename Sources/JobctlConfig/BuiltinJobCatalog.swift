/// The built-in jobs a config may name (`SCHEDULE NAME` or `job=NAME`), given to the config
/// reader as an input: the config layer knows no job by itself. The product passes
/// `ArcadeJobs.registry.catalog`; a test passes the jobs it defines.
public struct BuiltinJobCatalog: Sendable {
    public let kinds: [BuiltinJobKind]

    public init(_ kinds: [BuiltinJobKind]) {
        self.kinds = kinds
    }

    /// No built-in job: every job line needs `command=`.
    public static let empty = BuiltinJobCatalog([])

    public func named(_ name: String) -> BuiltinJobKind? {
        kinds.first { $0.name == name }
    }

    public var names: [String] { kinds.map(\.name) }
}
