import Foundation
import Hummingbird
import HummingbirdCore
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlScheduling
import JobctlStore
import Logging
import NIOCore
import ServiceLifecycle

/// Refuses a `Host` that does not name this server (421, `HostPolicy`) and declared bodies over
/// the cap before anything reads them (413, connection closed), and answers errors of the
/// router (no route: 404, wrong method: 405) with the API's JSON.
struct GuardMiddleware: RouterMiddleware {
    typealias Context = JobsRequestContext
    let maxBodyBytes: Int
    let hosts: HostPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let host = request.head.authority  // HTTP/1 `Host`, as swift-http-types names it
        guard hosts.allows(host, localHost: context.localHost, localPort: context.localPort) else {
            let shown = String((host ?? "(none)").unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }.prefix(100))
            return JobsHTTPServer.failure(
                .misdirectedRequest,
                "Host '\(shown)' is not this server: use 127.0.0.1:\(context.localPort) or localhost",
                extraHeaders: [.connection: "close"])
        }
        if let length = request.headers[.contentLength], Int(length).map({ $0 > maxBodyBytes }) ?? true {
            return JobsHTTPServer.failure(
                .contentTooLarge, "the request body is larger than \(maxBodyBytes) bytes",
                extraHeaders: [.connection: "close"])
        }
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            let message =
                error.status == .notFound
                ? "no such route: \(request.method) \(request.uri.path.prefix(200))" : error.status.reasonPhrase
            return JobsHTTPServer.failure(error.status, message)
        }
    }
}
