/// How one of a job's counters reads in a summary of its run: "2 pools finalized",
/// "0.42 USDC paid". Jobs declare theirs (`BuiltinJob.counterReadings`); the history stores
/// plain integers and never knows a currency.
public struct CounterReading: Sendable, Equatable {
    public enum Unit: Sendable, Equatable {
        /// A plain number.
        case count
        /// An exact amount in integer minor units: `scale` decimal places of `currency`
        /// (micro-USDC: scale 6, "USDC").
        case money(currency: String, scale: Int)
    }

    public var unit: Unit
    /// The words after the figure ("pools finalized", "paid").
    public var label: String

    public init(_ unit: Unit, label: String) {
        self.unit = unit
        self.label = label
    }

    /// A counter nobody declared: a count, labelled with its name (`pools_finalized` →
    /// "pools finalized").
    public static func count(named name: String) -> CounterReading {
        CounterReading(.count, label: name.replacingOccurrences(of: "_", with: " "))
    }

    public var isMoney: Bool {
        if case .money = unit { return true }
        return false
    }

    /// `value` as this counter reads: "2 pools finalized", "0.42 USDC paid".
    public func text(_ value: Int64) -> String {
        switch unit {
        case .count: "\(value) \(label)"
        case .money(let currency, let scale): "\(Self.amount(value, scale: scale)) \(currency) \(label)"
        }
    }

    /// An amount of minor units with at least 2 decimals and no trailing zeros beyond
    /// (scale 6: 420000 → "0.42", 1500 → "0.0015", 2000000 → "2.00"). Exact: integer arithmetic.
    public static func amount(_ value: Int64, scale: Int) -> String {
        let sign = value < 0 ? "-" : ""
        var unit: UInt64 = 1
        for _ in 0..<max(0, min(scale, 18)) { unit *= 10 }
        let magnitude = value.magnitude
        var fraction = String(magnitude % unit)
        fraction = String(repeating: "0", count: max(0, scale - fraction.count)) + fraction
        while fraction.count > 2 && fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(magnitude / unit)" : "\(sign)\(magnitude / unit).\(fraction)"
    }
}
