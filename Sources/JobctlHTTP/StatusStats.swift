import Foundation
import JobctlReports
import JobctlStore

/// The overall figures of `jobctl stats` (executions kept in the history).
struct StatusStats: Encodable, Sendable {
    var totalExecutions: Int
    var successfulExecutions: Int
    /// failed + timed out + interrupted + abandoned.
    var failedExecutions: Int
    /// succeeded ÷ (succeeded + failed + partial), 0…1 to 4 decimals; null before any run ended.
    var successRate: Double?

    init(_ stats: JobStats) {
        totalExecutions = stats.runs
        successfulExecutions = stats.succeeded
        failedExecutions = stats.failed
        successRate = stats.successRate.map { ($0 * 10_000).rounded() / 10_000 }
    }

    enum CodingKeys: String, CodingKey { case totalExecutions, successfulExecutions, failedExecutions, successRate }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(totalExecutions, forKey: .totalExecutions)
        try c.encode(successfulExecutions, forKey: .successfulExecutions)
        try c.encode(failedExecutions, forKey: .failedExecutions)
        try c.encode(successRate, forKey: .successRate)
    }
}
