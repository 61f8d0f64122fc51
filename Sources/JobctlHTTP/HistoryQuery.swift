import Foundation
import JobctlReports
import JobctlStore

/// The query of `GET /api/v1/jobs/history`, validated: `limit` 1…100 (default 20), `job` and
/// `status` optional (an empty value means no filter, so `?job=&status=` lists everything).
struct HistoryQuery: Sendable, Equatable {
    static let defaultLimit = 20
    static let maximumLimit = 100

    var limit = HistoryQuery.defaultLimit
    var job: String?
    var status: ExecutionStatus?

    struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    /// `parameter(name)` gives the first value of a query parameter (percent-decoded).
    /// Unknown parameters are ignored (a browser's cache buster must not break the page).
    static func parse(_ parameter: (String) -> String?) throws(Invalid) -> HistoryQuery {
        var query = HistoryQuery()
        if let text = parameter("limit"), !text.isEmpty {
            guard text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }), let limit = Int(text),
                (1...maximumLimit).contains(limit)
            else {
                throw Invalid(
                    description: "limit must be a whole number from 1 to \(maximumLimit), got '\(text.prefix(40))'")
            }
            query.limit = limit
        }
        if let job = parameter("job"), !job.isEmpty {
            guard job.count <= 200 else { throw Invalid(description: "job: the name is longer than 200 characters") }
            query.job = job
        }
        if let text = parameter("status"), !text.isEmpty {
            guard let status = ExecutionStatus(rawValue: text) else {
                let valid = ExecutionStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw Invalid(description: "status must be one of \(valid), got '\(text.prefix(40))'")
            }
            query.status = status
        }
        return query
    }
}
