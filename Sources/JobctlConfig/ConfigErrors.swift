/// Every problem found in a config file, in line order.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
            + "\n\(errors.count) error\(errors.count == 1 ? "" : "s")"
    }
}
