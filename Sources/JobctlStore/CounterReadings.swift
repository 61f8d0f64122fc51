/// How every counter of the known jobs reads (`BuiltinJobRegistry.counterReadings`); a counter
/// not in it reads as a count.
public struct CounterReadings: Sendable, Equatable {
    public var byName: [String: CounterReading]

    public init(_ byName: [String: CounterReading] = [:]) {
        self.byName = byName
    }

    public subscript(_ name: String) -> CounterReading {
        byName[name] ?? .count(named: name)
    }
}
