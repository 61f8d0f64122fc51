import Foundation
import JobctlReports
import JobctlStore

/// Who reads `status` and `history`, and so what they get (the answers once carried
/// every run's output tail and error, and a job that prints its environment hands its
/// secrets to whoever reads them).
///
/// Decision: the read routes stay open, so the status page and monitoring work without a
/// secret, but an anonymous reader gets every execution with `output` and `error` set to
/// `null` and `"redacted": true` in `data`. A request with the valid bearer token (the
/// trigger's) gets everything and `"redacted": false`. A wrong token is 401, not a silently
/// redacted answer. Without a configured token every reader is anonymous.
enum ReadAccess: Equatable {
    case full
    case anonymous
    case refused

    init(authorization: String?, token: BearerToken?) {
        guard let authorization else {
            self = .anonymous
            return
        }
        guard let token else {
            self = .anonymous
            return
        }
        self = token.accepts(authorization: authorization) ? .full : .refused
    }
}
