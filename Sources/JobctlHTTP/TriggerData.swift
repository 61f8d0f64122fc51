import Foundation
import JobctlReports
import JobctlStore

/// `POST /api/v1/jobs/trigger/:jobName` → 202 `data`. `warning` (null unless) says the job
/// is paused: it runs anyway, an operator's explicit act.
struct TriggerData: Encodable, Sendable {
    var runId: Int64
    var job: String
    var warning: String? = nil

    enum CodingKeys: String, CodingKey { case runId, job, warning }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runId, forKey: .runId)
        try c.encode(job, forKey: .job)
        try c.encode(warning, forKey: .warning)
    }
}
