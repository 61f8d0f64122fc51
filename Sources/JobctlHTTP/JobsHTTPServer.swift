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

/// The HTTP API and status page of `jobctl run --http`, served from the running scheduler:
///
/// | route | answer |
/// |---|---|
/// | `GET /` | the status page (HTML, CSS and JS inline; polls the status API) |
/// | `GET /api/v1/jobs/status` | stats, jobs with next fire / last run / running, recent executions |
/// | `POST /api/v1/jobs/trigger/:jobName` | Bearer token; 202 with the run id, 401, 403, 404, 409 (also disabled) |
/// | `GET /api/v1/jobs/history?limit=&job=&status=` | executions as in `history --json` |
/// | `GET /metrics` | the exposition of `jobctl metrics` |
/// | `POST …/pause/:jobName`, `POST …/resume/:jobName`, `GET …/runs/:id` | see `JobsHTTPServer+Operators` |
///
/// The reads answer anonymous readers without output tails and errors (`ReadAccess`); every
/// request must name this server in its `Host` (`HostPolicy`, 421 otherwise).
///
/// Isolation from the scheduler: the server runs on SwiftNIO's event loops; it asks the
/// scheduler actor only for a snapshot (no I/O) and to start a manual run; history reads go
/// through a separate read-only connection on their own queue. Request bodies are capped
/// (`maxBodyBytes`, 413), connections are capped (`maxConnections`; more wait in the
/// backlog), each request must arrive within `readTimeout` however it trickles and be
/// answered within `answerTimeout` (`RequestDeadlineHandler`), so a flood of slow or malformed
/// requests delays the API by at most `readTimeout` per wave, and never the schedule.
public struct JobsHTTPServer: Sendable {
    public struct Options: Sendable {
        public var address: HTTPListenAddress
        /// nil: the trigger route is disabled (403).
        public var token: BearerToken?
        public var maxBodyBytes = 16 * 1024
        public var maxConnections = 512
        public var idleTimeout: Duration = .seconds(30)
        /// The whole of a request (or a kept-alive connection's wait for its next one).
        public var readTimeout: Duration = .seconds(10)
        /// From a request's end to its response's end.
        public var answerTimeout: Duration = .seconds(60)
        /// How old a status answer may be (it is rebuilt at most this often).
        public var statusMaxAge: Duration = .milliseconds(500)
        /// Recent executions in the status answer.
        public var recentExecutions = 10

        public init(address: HTTPListenAddress, token: BearerToken?) {
            self.address = address
            self.token = token
        }
    }

    let options: Options
    let scheduler: Scheduler
    let reader: HistoryReader
    let cache: StatusCache
    let logger: Logger

    /// `historyPath`: the state database, opened here read-only (the scheduler has created and
    /// migrated it).
    public init(options: Options, scheduler: Scheduler, historyPath: String, logger: Logger) throws {
        let store: HistoryStore
        // The scheduler has the file open in this process: no header read (see the parameter).
        do {
            store = try HistoryStore(path: historyPath, readOnly: true, openElsewhereInProcess: true)
        } catch HistoryError.needsMigration {
            store = try HistoryStore(path: historyPath, mustExist: true, openElsewhereInProcess: true)
        }
        self.init(options: options, scheduler: scheduler, store: store, logger: logger)
    }

    /// Reads `store` (a PostgreSQL `STATE_DB`: the scheduler's own store, shared).
    public init(options: Options, scheduler: Scheduler, store: any StateStore, logger: Logger) {
        self.options = options
        self.scheduler = scheduler
        self.reader = HistoryReader(store: store)
        self.cache = StatusCache(maxAge: options.statusMaxAge)
        self.logger = logger
    }

    /// A server that is listening.
    public struct Running: Sendable {
        /// The bound address (the real port when 0 was asked for).
        public let address: HTTPListenAddress
        let group: ServiceGroup
        let task: Task<Void, any Error>

        /// Stops accepting connections, lets requests under way finish for up to `grace`, then
        /// closes whatever is left.
        public func stop(grace: Duration = .seconds(3)) async {
            await group.triggerGracefulShutdown()
            let task = self.task
            let deadline = Task {
                try await Task.sleep(for: grace)
                task.cancel()
            }
            _ = await task.result
            deadline.cancel()
        }
    }

    /// Binds and starts serving in the background. Throws when the address cannot be bound
    /// (in use, not available), so that `jobctl run` can refuse to start.
    public func start() async throws -> Running {
        let bound = OneShot<Result<Int, any Error>>()
        let router = makeRouter()
        var hbLogger = logger
        hbLogger.logLevel = .warning  // Hummingbird's per-request logs are debug noise here.
        let seconds = options.idleTimeout.components.seconds
        let readTimeout = TimeAmount.seconds(options.readTimeout.components.seconds)
        let answerTimeout = TimeAmount.seconds(options.answerTimeout.components.seconds)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlineHandler(readTimeout: readTimeout, answerTimeout: answerTimeout)],
            idleTimeout: .seconds(seconds))
        let app = Application(
            router: router,
            server: .http1(configuration: http1),
            configuration: ApplicationConfiguration(
                address: .hostname(options.address.host, port: options.address.port), serverName: "jobctl",
                backlog: 1024, availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
            onServerRunning: { channel in
                bound.resolve(.success(channel.localAddress?.port ?? 0))
            },
            logger: hbLogger
        )
        // A group of its own without signal handling: `jobctl run` owns the signals and stops
        // the server after the scheduler has drained.
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: hbLogger))
        let task = Task<Void, any Error> {
            do {
                try await group.run()
                bound.resolve(.failure(ServerError(description: "the HTTP server stopped before listening")))
            } catch {
                bound.resolve(.failure(error))
                throw error
            }
        }
        switch await bound.value() {
        case .success(let port):
            return Running(address: HTTPListenAddress(host: options.address.host, port: port), group: group, task: task)
        case .failure(let error):
            task.cancel()
            throw ServerError(description: "cannot listen on \(options.address): \(error)")
        }
    }

    public struct ServerError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    // MARK: Routes

    func makeRouter() -> Router<JobsRequestContext> {
        let router = Router(context: JobsRequestContext.self)
        let hosts = HostPolicy(listenHost: options.address.host)
        router.add(middleware: GuardMiddleware(maxBodyBytes: options.maxBodyBytes, hosts: hosts))
        router.get("/") { _, _ in
            Self.response(
                .ok, contentType: "text/html; charset=utf-8", Data(StatusPage.html.utf8),
                extraHeaders: StatusPage.headers)
        }
        router.get("/api/v1/jobs/status") { request, _ in
            await self.status(access: self.access(request))
        }
        router.get("/api/v1/jobs/history") { request, _ in
            let parameters = request.uri.queryParameters
            return await self.history(access: self.access(request)) { parameters[$0[...]].map(String.init) }
        }
        router.post("/api/v1/jobs/trigger/:jobName") { request, context in
            if let refused = await self.refuseBody(request) { return refused }
            return await self.trigger(
                job: context.parameters.get("jobName") ?? "", authorization: request.headers[.authorization])
        }
        router.get("/metrics") { _, _ in await self.metrics() }
        addOperatorRoutes(to: router)
        return router
    }

    func access(_ request: Request) -> ReadAccess {
        ReadAccess(authorization: request.headers[.authorization], token: options.token)
    }

    static let wrongToken = failure(
        .unauthorized, "wrong bearer token (send none to read without output and errors)",
        extraHeaders: [.wwwAuthenticate: #"Bearer realm="jobctl""#])

    func status(access: ReadAccess) async -> Response {
        if access == .refused { return Self.wrongToken }
        do {
            let bodies = try await cache.get { previous in try await self.buildStatus(previous: previous) }
            return Self.response(.ok, contentType: "application/json", access == .full ? bodies.full : bodies.redacted)
        } catch {
            logger.warning("HTTP status failed: \(error)")
            return Self.failure(.internalServerError, "cannot read the history: \(error)")
        }
    }

    /// The history part is one consistent state of the database (one read transaction). The
    /// scheduler's part (next fire, running, what it expects of its jobs) is asked for after it,
    /// in one call, so a run the history shows as finished is seldom still shown running (the
    /// runner records the end before it tells the scheduler).
    func buildStatus(previous: StatusCache.HistoryPart?) async throws -> (StatusBodies, StatusCache.HistoryPart) {
        let recentCount = options.recentExecutions
        // The nodes are read at every build, beside the history part: a heartbeat changes no
        // data version, so they cannot ride on its cache (SQLite: no statement at all).
        let (part, nodes) = try await reader.read { store in
            (try StatusCache.HistoryPart.read(store, recent: recentCount, previous: previous), try store.nodes())
        }
        let (snapshot, now, money) = await scheduler.statusView(moneyJobsOnly: true)
        let jobs = snapshot.jobs.map { job in
            JobStatus(
                name: job.name, schedule: job.schedule, timezone: job.timezone,
                nextFire: job.nextFire.map(HistoryTime.rfc3339(_:)),
                lastRun: part.lastRuns[job.name].map(ExecutionJSON.init),
                running: job.running > 0, paused: part.pauses[job.name].map(PauseJSON.init),
                consecutiveFailures: part.failingStreaks[job.name] ?? 0)
        }
        let data = StatusData(
            stats: StatusStats(part.overall), jobs: jobs, recentExecutions: part.recent.map(ExecutionJSON.init),
            redacted: false,
            warnings: IdleWarning.evaluate(money, figures: part.figures, now: now).map(IdleWarningJSON.init),
            nodes: nodes.map(NodeStatus.init))
        let bodies = StatusBodies(
            full: APIJSON.encode(Success(data: data)), redacted: APIJSON.encode(Success(data: data.anonymous)))
        return (bodies, part)
    }

    func history(access: ReadAccess, _ parameter: @escaping (String) -> String?) async -> Response {
        if access == .refused { return Self.wrongToken }
        let query: HistoryQuery
        do {
            query = try HistoryQuery.parse(parameter)
        } catch {
            return Self.failure(.badRequest, error.description)
        }
        do {
            let records = try await reader.read { store in
                try store.executions(HistoryFilter(limit: query.limit, job: query.job, status: query.status))
            }
            let full = records.map(ExecutionJSON.init)
            let executions = access == .full ? full : full.map(\.redacted)
            let data = HistoryData(executions: executions, count: executions.count, redacted: access != .full)
            return Self.response(.ok, contentType: "application/json", APIJSON.encode(Success(data: data)))
        } catch {
            logger.warning("HTTP history failed: \(error)")
            return Self.failure(.internalServerError, "cannot read the history: \(error)")
        }
    }

    func trigger(job name: String, authorization: String?) async -> Response {
        guard let token = options.token else {
            return Self.failure(
                .forbidden,
                "the trigger route is disabled: no token is configured (HTTP_TOKEN_FILE in the config or $JOBCTL_HTTP_TOKEN)"
            )
        }
        guard token.accepts(authorization: authorization) else {
            logger.warning(
                "HTTP trigger refused: missing or wrong bearer token",
                metadata: ["job": .string(String(name.prefix(100)))])
            return Self.failure(
                .unauthorized, "missing or wrong bearer token",
                extraHeaders: [.wwwAuthenticate: #"Bearer realm="jobctl""#])
        }
        let result = await scheduler.triggerNow(job: name, user: "http")
        switch result {
        case .started(let id):
            cache.invalidate()
            logger.info("HTTP trigger: run started", metadata: ["job": .string(name), "run": .stringConvertible(id)])
            let warning = await pausedWarning(job: name)
            return Self.response(
                .accepted, contentType: "application/json",
                APIJSON.encode(Success(data: TriggerData(runId: id, job: name, warning: warning))))
        case .unknownJob:
            return Self.failure(.notFound, "unknown job '\(name.prefix(100))'")
        case .disabled(let reason):
            return Self.failure(.conflict, reason)
        case .alreadyRunning(let holder, _):
            cache.invalidate()
            return Self.failure(.conflict, "job '\(name)' is already running (\(holder))")
        case .stopping:
            return Self.failure(.serviceUnavailable, "the scheduler is shutting down")
        case .notStarted(let reason):
            return Self.failure(.internalServerError, "job '\(name)' did not start: \(reason)")
        }
    }

    func metrics() async -> Response {
        do {
            let (now, expectations) = await scheduler.expectations()
            let text = try await reader.read { store in
                let alerts = AlertMetrics(
                    generatedAt: now, expectations: expectations, figures: try store.alertFigures())
                return PrometheusExporter.render(try store.metricsSnapshot(), alerts: alerts)
            }
            return Self.response(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", Data(text.utf8))
        } catch {
            logger.warning("HTTP metrics failed: \(error)")
            return Self.failure(.internalServerError, "cannot read the history: \(error)")
        }
    }

    // MARK: Responses

    static func response(
        _ status: HTTPResponse.Status, contentType: String, _ body: Data, extraHeaders: HTTPFields = [:]
    ) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-store"]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// For a route that takes no body: reads at most the cap, so that a client cannot stream
    /// forever; a 413 answer when the body is larger, else nil.
    func refuseBody(_ request: Request) async -> Response? {
        var request = request
        do {
            _ = try await request.collectBody(upTo: options.maxBodyBytes)
            return nil
        } catch {
            return Self.failure(.contentTooLarge, "the request body is larger than \(options.maxBodyBytes) bytes")
        }
    }

    static func failure(_ status: HTTPResponse.Status, _ message: String, extraHeaders: HTTPFields = [:]) -> Response {
        response(
            status, contentType: "application/json", APIJSON.encode(Failure(error: message)), extraHeaders: extraHeaders
        )
    }
}
