import ArgumentParser
import Foundation
import JobctlConfig
import JobctlHTTP
import JobctlScheduling
import JobctlStore
import Logging

/// `jobctl run --http HOST:PORT` (or `HTTP_LISTEN=` in the config): the HTTP API and status
/// page beside the scheduler. Off unless asked; loopback only unless `0.0.0.0:PORT` is given
/// (see `HTTPListenAddress`). The address and token are read once, at start: SIGHUP does not
/// change them.
extension RunCommand {
    /// Checks `--http` before anything else happens.
    func validateHTTP() throws {
        if let http {
            do {
                _ = try HTTPListenAddress.parse(http)
            } catch {
                throw ValidationError("--http: \(error.description)")
            }
        }
    }

    /// Starts the server when asked; nil when not. Exits 2 on a bad address or token, 1 when
    /// the address cannot be bound.
    func startHTTP(
        config: JobsConfig, scheduler: Scheduler, store: any StateStore, logger: Logger
    ) async throws -> JobsHTTPServer.Running? {
        let setting = http.map { ("--http", $0) } ?? config.httpListen.map { ("HTTP_LISTEN", $0) }
        guard let (origin, text) = setting else { return nil }
        let address: HTTPListenAddress
        do {
            address = try HTTPListenAddress.parse(text)
        } catch {
            throw fail("\(origin): \(error.description)", code: ExitStatus.usage)
        }
        let token: BearerToken?
        do {
            token = try BearerToken.load(
                tokenFile: config.httpTokenFile, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw fail(error.description, code: ExitStatus.usage)
        }
        let running: JobsHTTPServer.Running
        do {
            let options = JobsHTTPServer.Options(address: address, token: token)
            let server =
                config.usesPostgres
                ? JobsHTTPServer(options: options, scheduler: scheduler, store: store, logger: logger)
                : try JobsHTTPServer(
                    options: options, scheduler: scheduler, historyPath: config.stateDatabasePath, logger: logger)
            running = try await server.start()
        } catch {
            throw fail("HTTP: \(error)", code: ExitStatus.failure)
        }
        logger.info("HTTP listening on \(running.address)")
        if address.isPublic {
            logger.warning(
                "HTTP is listening on every interface (0.0.0.0), without TLS: put it behind a proxy or a firewall")
        }
        if let token {
            logger.info("HTTP trigger route enabled (token from \(token.source))")
        } else {
            logger.info(
                "HTTP trigger route disabled: no token (set HTTP_TOKEN_FILE in the config or $JOBCTL_HTTP_TOKEN)")
        }
        return running
    }
}
