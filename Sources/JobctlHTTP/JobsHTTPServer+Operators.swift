import Foundation
import Hummingbird
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlScheduling
import JobctlStore
import Logging
import NIOCore

/// The operators' routes (issue 12):
///
/// | route | answer |
/// |---|---|
/// | `POST /api/v1/jobs/pause/:jobName` | token; optional `{"note": "…"}`; 200, 400, 401, 403, 404, 409, 413 |
/// | `POST /api/v1/jobs/resume/:jobName` | Bearer token; 200 with the lifted pause, 401, 403, 404, 409 |
/// | `GET /api/v1/jobs/runs/:id` | one run in full, as `jobctl show --json`; 400, 401, 404 |
///
/// Pauses are written through the scheduler's own store (`Scheduler.pause`): the HTTP server's
/// connection is read-only. Their `by` is `http`, the holder of the bearer token (there is one
/// token; it names no person). The run route redacts like `history`: an anonymous reader gets
/// `output` and `error` null in the run and its other attempts, and `"redacted": true`.
extension JobsHTTPServer {
    func addOperatorRoutes(to router: Router<JobsRequestContext>) {
        router.post("/api/v1/jobs/pause/:jobName") { request, context in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: PauseRequestBody.maxBytes)
            } catch {
                return Self.failure(
                    .contentTooLarge, "the request body is larger than \(PauseRequestBody.maxBytes) bytes")
            }
            return await self.pause(
                job: context.parameters.get("jobName") ?? "", authorization: request.headers[.authorization],
                body: Data(body.readableBytesView))
        }
        router.post("/api/v1/jobs/resume/:jobName") { request, context in
            if let refused = await self.refuseBody(request) { return refused }
            return await self.resume(
                job: context.parameters.get("jobName") ?? "", authorization: request.headers[.authorization])
        }
        router.get("/api/v1/jobs/runs/:id") { request, context in
            await self.run(id: context.parameters.get("id") ?? "", access: self.access(request))
        }
    }

    /// nil when `authorization` carries the token; else the refusal (403 without a token
    /// configured, 401 for a missing or wrong one), checked before the job name so that the
    /// routes do not reveal which jobs exist.
    func refusal(_ authorization: String?, action: String, job: String) -> Response? {
        guard let token = options.token else {
            return Self.failure(
                .forbidden,
                "the \(action) route is disabled: no token is configured (HTTP_TOKEN_FILE in the config or "
                    + "$JOBCTL_HTTP_TOKEN)")
        }
        guard token.accepts(authorization: authorization) else {
            logger.warning(
                "HTTP \(action) refused: missing or wrong bearer token",
                metadata: ["job": .string(String(job.prefix(100)))])
            return Self.failure(
                .unauthorized, "missing or wrong bearer token",
                extraHeaders: [.wwwAuthenticate: #"Bearer realm="jobctl""#])
        }
        return nil
    }

    func pause(job name: String, authorization: String?, body: Data) async -> Response {
        if let refused = refusal(authorization, action: "pause", job: name) { return refused }
        let note: String?
        do {
            note = try PauseRequestBody.note(from: body)
        } catch {
            return Self.failure(.badRequest, error.description)
        }
        return await answer(action: "pause", job: name) {
            try await self.scheduler.pause(job: name, by: "http", note: note)
        }
    }

    func resume(job name: String, authorization: String?) async -> Response {
        if let refused = refusal(authorization, action: "resume", job: name) { return refused }
        return await answer(action: "resume", job: name) { try await self.scheduler.resume(job: name) }
    }

    /// 200 with the pause for a change, 409 (already paused, not paused), 404 (unknown job), 500
    /// when the store cannot be written.
    func answer(
        action: String, job name: String, _ body: @Sendable () async throws -> PauseControl.Outcome
    ) async -> Response {
        let outcome: PauseControl.Outcome
        do {
            outcome = try await body()
        } catch {
            logger.error("HTTP \(action) failed: \(error)", metadata: ["job": .string(String(name.prefix(100)))])
            return Self.failure(.internalServerError, "cannot record the \(action): \(error)")
        }
        switch outcome {
        case .paused(let pause), .resumed(let pause):
            cache.invalidate()
            logger.notice("HTTP \(action): \(outcome.message)", metadata: ["job": .string(name)])
            let data = PauseAnswer(
                job: name, paused: outcome.isPause ? PauseJSON(pause) : nil, message: outcome.message)
            return Self.response(.ok, contentType: "application/json", APIJSON.encode(Success(data: data)))
        case .alreadyPaused, .notPaused:
            return Self.failure(.conflict, outcome.message)
        case .unknownJob:
            return Self.failure(.notFound, outcome.message)
        }
    }

    func run(id text: String, access: ReadAccess) async -> Response {
        if access == .refused { return Self.wrongToken }
        guard let id = RunDetail.parseID(text) else {
            return Self.failure(.badRequest, "run id must be a positive whole number, got '\(text.prefix(40))'")
        }
        do {
            guard let detail = try await reader.read({ try RunDetail.load(id: id, from: $0) }) else {
                return Self.failure(.notFound, "no run \(id)")
            }
            let full = RunDetailJSON(detail)
            let data = access == .full ? full : full.redactedForAnonymous
            return Self.response(.ok, contentType: "application/json", APIJSON.encode(Success(data: data)))
        } catch {
            logger.warning("HTTP run \(id) failed: \(error)")
            return Self.failure(.internalServerError, "cannot read the history: \(error)")
        }
    }

    /// The trigger's warning when the job is paused (nil when not, or when it cannot be read).
    func pausedWarning(job name: String) async -> String? {
        guard let pause = try? await reader.read({ try $0.activePause(job: name) }) else { return nil }
        logger.warning("HTTP trigger of a paused job: it runs anyway", metadata: ["job": .string(name)])
        return "job '\(name)' is paused (\(pause.summary)); it runs anyway: a trigger is an explicit act"
    }
}

/// `POST /api/v1/jobs/pause|resume/:jobName` → 200 `data`: the job, the pause now in force
/// (null after a resume) and the one-line message of `jobctl pause`/`resume`.
struct PauseAnswer: Encodable, Sendable {
    var job: String
    var paused: PauseJSON?
    var message: String

    enum CodingKeys: String, CodingKey { case job, paused, message }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(job, forKey: .job)
        try c.encode(paused, forKey: .paused)
        try c.encode(message, forKey: .message)
    }
}

extension PauseControl.Outcome {
    var isPause: Bool {
        if case .paused = self { return true }
        return false
    }
}

extension RunDetailJSON {
    /// For an anonymous reader: output tails and errors withheld, as `history` does.
    var redactedForAnonymous: RunDetailJSON {
        var copy = self
        copy.run = run.redacted
        copy.otherAttempts = otherAttempts.map(\.redacted)
        copy.hooks = hooks.map(\.redacted)
        copy.redacted = true
        return copy
    }
}
