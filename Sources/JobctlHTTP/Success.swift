import Foundation
import JobctlReports
import JobctlStore

/// `{"success": true, "data": …}`: the envelope of every answer that succeeded (`APIJSON`).
struct Success<Payload: Encodable & Sendable>: Encodable, Sendable {
    var data: Payload
    enum CodingKeys: String, CodingKey { case success, data }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(true, forKey: .success)
        try c.encode(data, forKey: .data)
    }
}
