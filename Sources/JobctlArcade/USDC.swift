import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime

/// Money for humans: micro-USDC as USDC with at least two decimals ("12.50 USDC",
/// "0.012345 USDC"). Never floating point.
public enum USDC {
    public static let microPerUSDC: Int64 = 1_000_000

    public static func format(micro: Int64) -> String {
        amount(micro: micro) + " USDC"
    }

    /// The number alone: 420000 → "0.42", 1500 → "0.0015", 2000000 → "2.00".
    public static func amount(micro: Int64) -> String {
        CounterReading.amount(micro, scale: 6)
    }

    /// How a job counter of micro-USDC reads in a run's summary: "0.42 USDC \(label)".
    public static func reading(label: String) -> CounterReading {
        CounterReading(.money(currency: "USDC", scale: 6), label: label)
    }
}
