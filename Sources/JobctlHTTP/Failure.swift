import Foundation
import JobctlReports
import JobctlStore

/// `{"success": false, "error": "…"}`: the envelope of every refusal and error (`APIJSON`).
struct Failure: Encodable, Sendable {
    var error: String
    enum CodingKeys: String, CodingKey { case success, error }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(false, forKey: .success)
        try c.encode(error, forKey: .error)
    }
}
