import Foundation
import JobctlReports
import JobctlStore

/// `GET /api/v1/jobs/history` → `data`.
struct HistoryData: Encodable, Sendable {
    var executions: [ExecutionJSON]
    var count: Int
    /// True when output tails and errors are withheld (`ReadAccess.anonymous`).
    var redacted: Bool
}
