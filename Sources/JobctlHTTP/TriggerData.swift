import Foundation
import JobctlReports
import JobctlStore

/// `POST /api/v1/jobs/trigger/:jobName` → 202 `data`.
struct TriggerData: Encodable, Sendable {
    var runId: Int64
    var job: String
}
